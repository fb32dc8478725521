"""Find and read the MRZ lines on a flattened document.

MRZ lines are long rows of dark, evenly spaced characters near the bottom of the document. A black-hat
filter brings out dark print on the light card, a wide closing joins each row into one band, and
bands that span most of the document's width are the MRZ. A document photographed upside down has
its bands at the top: it is turned and read again.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from activities.vision.check_digits import is_valid
from activities.vision.mrz import LAYOUTS, TD1, TD3, number_readings, to_digits
from activities.vision.ocr import LineRecognizer

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
MIN_LINE_WIDTH = 0.7  # share of the document width
_BETWEEN_LAYOUTS = (LAYOUTS[TD1][1] + LAYOUTS[TD3][1]) // 2  # characters: a TD1 line has 30, a TD3 line 44


@dataclass(frozen=True)
class MrzZone:
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h of each line on the upright document
    upside_down: bool  # the document must be turned 180 degrees to be upright


def find_lines(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    height, width = gray.shape
    char_h = max(8, height // 28)
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (char_h, char_h)))
    _, ink = cv2.threshold(blackhat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bands = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (char_h * 2, 3)))
    bands = cv2.morphologyEx(bands, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (char_h, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(bands, connectivity=8)
    lines = []
    for x, y, w, h, _area in stats[1:count]:
        if w >= MIN_LINE_WIDTH * width and 0.4 * char_h <= h <= 3 * char_h:
            lines.append((int(x), int(y), int(w), int(h)))
    return _bottom_block(sorted(lines, key=lambda box: box[1]))


def _bottom_block(lines: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The lowest run of up to three evenly stacked lines of the same width: the MRZ, not a long heading."""
    if not lines:
        return []
    block = [lines[-1]]
    for box in reversed(lines[:-1]):
        above = block[0]
        close = above[1] - (box[1] + box[3]) <= 2.5 * above[3]
        same_width = abs(box[2] - above[2]) <= 0.12 * above[2]
        if len(block) == 3 or not (close and same_width):
            break
        block.insert(0, box)
    return block


def locate(gray: np.ndarray) -> MrzZone | None:
    lines = find_lines(gray)
    if len(lines) >= 2:
        if lines[0][1] > gray.shape[0] * 0.4:
            return MrzZone(lines, upside_down=False)
        if lines[-1][1] + lines[-1][3] < gray.shape[0] * 0.6:
            turned = find_lines(cv2.rotate(gray, cv2.ROTATE_180))
            if len(turned) >= 2:
                return MrzZone(turned, upside_down=True)
    return None


def _crop(document: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    pad_y, pad_x = h // 3, h
    top, bottom = max(0, y - pad_y), min(document.shape[0], y + h + pad_y)
    left, right = max(0, x - pad_x), min(document.shape[1], x + w + pad_x)
    return document[top:bottom, left:right]


def _fit_length(text: str, length: int) -> str:
    """OCR miscounts long runs of fillers; correct the longest run so the line has its fixed length."""
    if len(text) == length:
        return text
    runs = [(m_end - m_start, m_start, m_end) for m_start, m_end in _filler_runs(text)]
    if not runs:
        return text
    _, start, end = max(runs)
    new_run = (end - start) + (length - len(text))
    if new_run < 1:
        return text
    return text[:start] + "<" * new_run + text[end:]


def _filler_runs(text: str) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, c in enumerate(text + "."):
        if c == "<" and start is None:
            start = i
        elif c != "<" and start is not None:
            runs.append((start, i))
            start = None
    return runs


def read(document: np.ndarray, zone: MrzZone, recognizer: LineRecognizer) -> list[str]:
    """The MRZ text lines, each fitted to the length its layout prescribes; `document` turned upright,
    `recognizer` one for ALPHABET."""
    texts = recognizer.read([_crop(document, box) for box in zone.boxes])
    # Two lines of about 30 characters are an ID card's MRZ with a line lost (to glare, say), not a
    # passport's: they stay too short for either layout, and the zone reads as unreadable.
    layout = TD1 if len(texts) == 3 or max(map(len, texts)) < _BETWEEN_LAYOUTS else TD3
    length = LAYOUTS[layout][1]
    lines = [_fit_length(text, length) for text in texts]
    if layout == TD1 and len(texts[0]) == length - 1:
        lines[0] = _restore_leading_i(texts[0], lines[0])
    return lines


def _restore_leading_i(text: str, fitted: str) -> str:
    """An ID card's document code starts with I (A and C are the others); the thin I at the very
    start of a line is the glyph the recogniser drops. When the first line is one character short
    and its document number fails its check digit, the reading with the I put back is taken if its
    number passes: the check digit, not the guess, decides."""
    if _number_checks(fitted):
        return fitted
    restored = _fit_length("I" + text, LAYOUTS[TD1][1])
    return restored if _number_checks(restored) else fitted


def _number_checks(line: str) -> bool:
    # TD1 line 1: document number and its check digit, read as the parser reads them
    return any(is_valid(number, to_digits(line[14])) for number in number_readings(line[5:14]))
