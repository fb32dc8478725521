"""Synthetic ID documents that the tests draw themselves: a German-style ID card (TD1) and a passport page (TD3).

Each document has a card background with fine guilloche lines, printed data, a real face photo
(tests/fixtures/faces) and an MRZ set in OCR-B (fonts/OCRB.otf), the typeface ICAO 9303 prescribes,
one character per fixed-width cell as on a real document. OCR-B exists so that machines tell 1, I
and L, 0 and O, 8 and B apart: set in a general-purpose sans, a genuine card misreads in ways no
real card does. Check digits are computed here, independently of
the code under test, and can be broken on purpose.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# The real face photographs live with the test fixtures, with their provenance.
FACES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces"
# Face boxes (x, y, w, h) in the original photos, measured once with dlib's detector.
FACE_BOXES = {"obama_1": (360, 133, 255, 255), "obama_2": (171, 291, 270, 270), "biden_1": (407, 217, 344, 344)}

INK = (40, 30, 25)
_SANS = cv2.FontFace("sans")
_OCR_B = Path(__file__).resolve().parent / "fonts" / "OCRB.otf"
_OCR_B_ADVANCE = 0.723  # OCR-B's fixed advance width, in em


@dataclass(frozen=True)
class Holder:
    surname: str  # as printed on the card, with umlauts
    given_names: str
    birth: date
    mrz_surname: str  # ICAO spelling, written out here so the tests do not borrow the code's transliteration
    mrz_given: str
    sex: str = "F"


@dataclass(frozen=True)
class Document:
    holder: Holder
    face: str  # file stem in tests/fixtures/faces
    expiry: date
    layout: str = "TD1"  # "TD1" ID card or "TD3" passport
    number: str = "T22000129"
    code: str = "ID"
    broken_check: str | None = None  # "birth_date", "expiry_date", "document_number" or "composite"
    extra: dict[str, str] = field(default_factory=dict)

    def but(self, **changes: object) -> "Document":
        return replace(self, **changes)  # type: ignore[arg-type]


ERIKA = Holder("MÜLLER-LÜDENSCHEIDT", "ERIKA", date(1964, 8, 12), "MUELLER<LUEDENSCHEIDT", "ERIKA")
JOERG = Holder("GROSS", "JÖRG ANDREAS", date(1942, 11, 20), "GROSS", "JOERG<ANDREAS", sex="M")


def _check_digit(text: str) -> str:
    values = [int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55 for c in text]
    return str(sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(values)) % 10)


def _broken(digit: str) -> str:
    return str((int(digit) + 5) % 10)


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def mrz_lines(doc: Document) -> list[str]:
    h = doc.holder
    names = f"{h.mrz_surname}<<{h.mrz_given}"
    number = doc.number.ljust(9, "<")
    checks = {
        "document_number": _check_digit(number),
        "birth_date": _check_digit(_yymmdd(h.birth)),
        "expiry_date": _check_digit(_yymmdd(doc.expiry)),
    }
    if doc.broken_check in checks:
        checks[doc.broken_check] = _broken(checks[doc.broken_check])
    birth = _yymmdd(h.birth) + checks["birth_date"]
    expiry = _yymmdd(doc.expiry) + checks["expiry_date"]
    if doc.layout == "TD1":
        line1 = f"{doc.code}D<<{number}{checks['document_number']}".ljust(30, "<")
        line2 = f"{birth}{h.sex}{expiry}D<<".ljust(29, "<")
        composite = _check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        lines = [line1, line2 + composite, names[:30].ljust(30, "<")]
    else:
        line1 = f"P<D<<{names}"[:44].ljust(44, "<")
        personal = "<" * 14
        line2 = f"{number}{checks['document_number']}D<<{birth}{h.sex}{expiry}{personal}<"
        composite = _check_digit(line2[0:10] + line2[13:20] + line2[21:43])
        lines = [line1, line2 + composite]
    if doc.broken_check == "composite":  # the last character of line 2 in both layouts
        lines[1] = lines[1][:-1] + _broken(lines[1][-1])
    return lines


@cache
def face_photo(stem: str) -> np.ndarray:
    image = cv2.imread(str(FACES / f"{stem}.jpg"))
    assert image is not None, stem
    return image


def _passport_photo(stem: str, size: tuple[int, int]) -> np.ndarray:
    """A biometric-style crop: the face fills about half the width, eyes in the upper half."""
    image = face_photo(stem)
    x, y, w, h = FACE_BOXES[stem]
    crop_w = int(w * 1.9)
    crop_h = int(crop_w * size[1] / size[0])
    left = max(0, x + w // 2 - crop_w // 2)
    top = max(0, y + h // 2 - int(crop_h * 0.45))
    crop = image[top : top + crop_h, left : left + crop_w]
    return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)


def _background(size: tuple[int, int], tint: tuple[int, int, int], seed: int) -> np.ndarray:
    width, height = size
    card = np.zeros((height, width, 3), np.float32)
    card[:] = tint
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    card += (8 * np.sin(xx / 37.0 + 3 * np.sin(yy / 53.0)))[..., None]  # guilloche-like waves
    rng = np.random.default_rng(seed)
    for _ in range(14):
        phase, freq = rng.uniform(0, 6.3), rng.uniform(0.006, 0.02)
        base = rng.uniform(0, height)
        xs = np.arange(width)
        ys = (base + 40 * np.sin(xs * freq + phase)).astype(np.int32)
        curve = np.stack([xs, ys], axis=1)
        cv2.polylines(card, [curve], False, (tint[0] - 30.0, tint[1] - 30.0, tint[2] - 30.0), 1, cv2.LINE_AA)
    return np.clip(card, 0, 255).astype(np.uint8)


def _text(img: np.ndarray, text: str, org: tuple[int, int], size: int, color=INK, weight: int = 400) -> None:
    cv2.putText(img, text, org, color, _SANS, size, weight)


def _mrz(img: np.ndarray, lines: list[str], left: int, first_baseline: int, pitch: int, line_gap: int) -> None:
    """Each character in its own `pitch`-wide cell, the font sized so that its advance fills the cell."""
    font = _ocr_b(round(pitch / _OCR_B_ADVANCE))
    canvas = Image.fromarray(img)
    draw = ImageDraw.Draw(canvas)
    for row, line in enumerate(lines):
        for col, char in enumerate(line):
            draw.text(
                (left + col * pitch, first_baseline + row * line_gap), char, fill=(20, 20, 20), font=font, anchor="ls"
            )
    img[:] = np.asarray(canvas)


@cache
def _ocr_b(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_OCR_B), size)


def _field(img: np.ndarray, label: str, value: str, x: int, y: int, size: int = 26) -> None:
    _text(img, label, (x, y), 15, (90, 70, 60))
    _text(img, value, (x, y + size + 6), size, INK, 600)


def card_front(doc: Document) -> np.ndarray:
    card = _background((856, 540), (214, 226, 232), seed=1)
    _text(card, "BUNDESREPUBLIK DEUTSCHLAND", (300, 52), 30, (110, 60, 20), 700)
    _text(card, "PERSONALAUSWEIS  IDENTITY CARD", (300, 84), 18, (110, 60, 20))
    _text(card, doc.number, (660, 130), 24, (40, 40, 160), 600)
    card[120:460, 36:296] = _passport_photo(doc.face, (260, 340))
    h = doc.holder
    _field(card, "Name / Surname", h.surname, 320, 160)
    _field(card, "Vornamen / Given names", h.given_names, 320, 230)
    _field(card, "Geburtstag / Date of birth", h.birth.strftime("%d.%m.%Y"), 320, 300)
    _field(card, "Staatsangehörigkeit / Nationality", "DEUTSCH", 320, 370)
    _field(card, "Gültig bis / Date of expiry", doc.expiry.strftime("%d.%m.%Y"), 600, 300, 24)
    cv2.ellipse(card, (460, 480), (110, 18), -8, 200, 520, INK, 2, cv2.LINE_AA)  # signature
    return card


def card_back(doc: Document) -> np.ndarray:
    card = _background((856, 540), (214, 226, 232), seed=2)
    _field(card, "Anschrift / Address", "51147 KÖLN, HEIDESTRASSE 17", 40, 60, 24)
    _field(card, "Größe / Height", "160 cm", 40, 140, 24)
    _field(card, "Augenfarbe / Eye colour", "GRÜN", 260, 140, 24)
    _field(card, "Behörde / Authority", "STADT KÖLN", 540, 140, 24)
    cv2.rectangle(card, (0, 318), (856, 540), (226, 234, 238), -1)  # the MRZ band is kept plain
    _mrz(card, mrz_lines(doc), left=42, first_baseline=390, pitch=25, line_gap=56)
    return card


def passport_page(doc: Document) -> np.ndarray:
    page = _background((1250, 880), (205, 222, 214), seed=3)
    _text(page, "REISEPASS  PASSPORT  BUNDESREPUBLIK DEUTSCHLAND", (60, 70), 34, (60, 40, 110), 700)
    page[130:590, 60:410] = _passport_photo(doc.face, (350, 460))
    h = doc.holder
    _field(page, "Name / Surname", h.surname, 450, 170, 30)
    _field(page, "Vornamen / Given names", h.given_names, 450, 260, 30)
    _field(page, "Geburtstag / Date of birth", h.birth.strftime("%d.%m.%Y"), 450, 350, 30)
    _field(page, "Gültig bis / Date of expiry", doc.expiry.strftime("%d.%m.%Y"), 450, 440, 30)
    _field(page, "Pass-Nr. / Passport No.", doc.number, 850, 170, 30)
    cv2.rectangle(page, (0, 680), (1250, 880), (220, 232, 226), -1)
    _mrz(page, mrz_lines(doc), left=50, first_baseline=760, pitch=26, line_gap=70)
    return page


# Obama's official portrait on the card; a different photograph of him (or Biden) as the selfie.
ERIKA_CARD = Document(ERIKA, face="obama_1", expiry=date(2031, 10, 31))
