"""A labelled set of photo-ident submissions, each labelled by how it was made.

- genuine: a readable submission of the holder's own card and face, photographed the many ways a
  customer does (reflections beside the MRZ and the portrait, shadows, exposure, angle, surface,
  slight blur, JPEG compression). It should pass: anything else is a false reject.
- unreadable: the same, but one image is spoiled where a check reads it (a reflection over the MRZ's
  data or over the portrait, heavy blur, darkness). It should fail, asking for a retake of that side.
- impostor: another person's face in the selfie. It must not pass.
- tampered: the data does not hold (another name or birth date than the order's, an expired card, a
  broken check digit). It must not pass.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from synthetic_ids import lighting, photos
from synthetic_ids.idcards import ERIKA, JOERG, Document, Holder, card_back, card_front, passport_page

GENUINE, UNREADABLE, IMPOSTOR, TAMPERED = "genuine", "unreadable", "impostor", "tampered"
VALID_ON = date(2026, 11, 25)


@dataclass(frozen=True)
class Claim:
    """What the order says about the recipient."""

    first_name: str
    last_name: str
    birth: date


@dataclass(frozen=True)
class Case:
    name: str  # how it was made, e.g. "genuine-3 TD1 obama_1/obama_2"
    label: str
    images: list[bytes]  # JPEG uploads, in the order a customer might send them
    claim: Claim
    valid_on: date
    retake_side: str | None = None  # unreadable cases: "FRONT" or "BACK", the side to photograph again


PEOPLE = [
    (ERIKA, Claim("Erika", "Müller-Lüdenscheidt", ERIKA.birth)),
    (JOERG, Claim("Jörg", "Groß", JOERG.birth)),
    (
        Holder("SCHNEIDER", "ANNA LENA", date(1990, 3, 5), "SCHNEIDER", "ANNA<LENA"),
        Claim("Anna", "Schneider", date(1990, 3, 5)),
    ),
    (
        Holder("BÄCKER", "LUKAS", date(2001, 12, 30), "BAECKER", "LUKAS", sex="M"),
        Claim("Lukas", "Bäcker", date(2001, 12, 30)),
    ),
]
SAME_FACE = [("obama_1", "obama_2"), ("obama_2", "obama_1"), ("biden_1", "biden_1")]  # (on the card, selfie)
OTHER_FACE = [("obama_1", "biden_1"), ("obama_2", "biden_1"), ("biden_1", "obama_2"), ("biden_1", "obama_1")]

# Where the checks read, in the drawn document's own pixels (left, top, right, bottom): see idcards.py.
PORTRAIT_ZONE = {"TD1": (36, 120, 296, 460), "TD3": (60, 130, 410, 590)}
MRZ_ZONE = {"TD1": (0, 318, 856, 540), "TD3": (0, 680, 1250, 880)}  # the plain MRZ band
MRZ_DATA = (52, 410, 392, 450)  # TD1 line 2: birth date, sex, expiry date and their check digits
_NUMBER_CHARS = "CFGHJKLMNPRTVWXYZ0123456789"


def cases(genuine: int, unreadable: int, impostor: int, tampered: int, seed: int = 0) -> Iterator[Case]:
    """Drawn one at a time (each is a few MB of pixels while it is made); the same seed, the same set."""
    plan = [GENUINE] * genuine + [UNREADABLE] * unreadable + [IMPOSTOR] * impostor + [TAMPERED] * tampered
    for index, label in enumerate(plan):
        yield case(label, index, seed)


def case(label: str, index: int, seed: int = 0) -> Case:
    """One case of a set drawn with `seed`, alone: the one at `index`, if it has this label there."""
    return _case(label, index, random.Random(seed * 100_003 + index))


def _case(label: str, index: int, rng: random.Random) -> Case:
    holder, claim = rng.choice(PEOPLE)
    card_face, selfie_face = rng.choice(OTHER_FACE if label == IMPOSTOR else SAME_FACE)
    layout = "TD3" if label in (GENUINE, IMPOSTOR, TAMPERED) and rng.random() < 0.25 else "TD1"
    doc = Document(
        holder,
        face=card_face,
        expiry=VALID_ON + timedelta(days=rng.randint(30, 3650)),
        layout=layout,
        number="".join(rng.choice(_NUMBER_CHARS) for _ in range(9)),
        code="P<" if layout == "TD3" else "ID",
    )
    name = f"{label}-{index} {layout} {card_face}/{selfie_face}"
    retake = None
    if label == TAMPERED:
        doc, claim, how = _tamper(doc, claim, rng)
        name += f" {how}"
    if layout == "TD3":
        page = passport_page(doc)
        sides = [_photograph(page, rng, layout, "page"), _photograph(page, rng, layout, "page")]
    else:
        front, back = card_front(doc), card_back(doc)
        spoil = _spoiler(rng) if label == UNREADABLE else None
        sides = [
            _photograph(front, rng, layout, "front", spoil if spoil in ("glare-portrait",) else None),
            _photograph(back, rng, layout, "back", spoil if spoil not in (None, "glare-portrait") else None),
        ]
        if spoil is not None:
            retake = "FRONT" if spoil == "glare-portrait" else "BACK"
            name += f" {spoil}"
    images = [*sides, _selfie(selfie_face, rng)]
    rng.shuffle(images)
    return Case(name, label, images, claim, VALID_ON, retake)


def _tamper(doc: Document, claim: Claim, rng: random.Random) -> tuple[Document, Claim, str]:
    how = rng.choice(["name", "birth", "expired", "check-digit"])
    if how == "name":
        other = next(c for _, c in PEOPLE if c.last_name != claim.last_name)
        return doc, Claim(other.first_name, other.last_name, claim.birth), how
    if how == "birth":
        return doc, Claim(claim.first_name, claim.last_name, claim.birth.replace(year=claim.birth.year - 1)), how
    if how == "expired":
        return doc.but(expiry=VALID_ON - timedelta(days=rng.randint(1, 400))), claim, how
    field = rng.choice(["document_number", "birth_date", "expiry_date", "composite"])
    return doc.but(broken_check=field), claim, f"{how}:{field}"


def _spoiler(rng: random.Random) -> str:
    return rng.choice(["glare-mrz", "glare-portrait", "blur", "dark"])


def _photograph(document: np.ndarray, rng: random.Random, layout: str, side: str, spoil: str | None = None) -> bytes:
    scale = document.shape[1] / 856  # reflections are sized for an ID card's width
    # Exposure first: a reflection burns the sensor out however the rest of the frame is exposed.
    gain, tint = rng.uniform(0.8, 1.08), (rng.uniform(0.95, 1.05), 1.0, rng.uniform(0.95, 1.05))
    document = lighting.exposure(document, gain, tint)
    reflected = True
    if spoil == "glare-mrz":
        left, top, right, bottom = MRZ_DATA
        center = (rng.uniform(left, right), rng.uniform(top, bottom))
        document = lighting.reflection(document, center, rng.uniform(22, 32), 400)
    elif spoil == "glare-portrait":
        left, top, right, bottom = PORTRAIT_ZONE[layout]
        center = ((left + right) / 2 + rng.uniform(-30, 30), top + (bottom - top) * rng.uniform(0.35, 0.5))
        document = lighting.reflection(document, center, rng.uniform(32, 45), 400)
    elif rng.random() < 0.6:
        document = _reflection_beside_the_checks(document, rng, layout, side, scale)
    else:
        reflected = False
    surface = lighting.backdrop(rng.choice(["wood", "cloth", "desk"]), rng.randrange(1 << 30))
    photo = photos.photograph(
        document,
        seed=rng.randrange(1 << 30),
        # Angles and sizes that keep the whole card in the frame: a card cut off is another case.
        width_share=rng.uniform(0.55, 0.68),
        tilt=rng.uniform(-12, 12),
        perspective=rng.uniform(0.0, 0.05),
        shift=(rng.uniform(-0.02, 0.02), rng.uniform(-0.02, 0.02)),
        backdrop=lighting.exposure(surface, gain, tint),
    )
    if not reflected and rng.random() < 0.6:  # a hand's shadow blocks the light that would reflect
        photo = lighting.shadow(photo, rng.uniform(0, 2 * np.pi), rng.uniform(0.1, 0.4))
    if spoil == "blur":
        photo = photos.blurred(photo, rng.uniform(6, 8))
    elif spoil == "dark":
        photo = photos.dark(photo, rng.uniform(0.12, 0.2))
    elif rng.random() < 0.5:
        photo = photos.blurred(photo, rng.uniform(0.3, 1.5))
    return photos.jpeg(photo, rng.randint(45, 95))


def _reflection_beside_the_checks(
    document: np.ndarray, rng: random.Random, layout: str, side: str, scale: float
) -> np.ndarray:
    """A reflection somewhere on the card where it burns out neither the MRZ nor the portrait."""
    zones = []
    if side in ("front", "page"):
        zones.append(PORTRAIT_ZONE[layout])
    if side in ("back", "page"):
        zones.append(MRZ_ZONE[layout])
    height, width = document.shape[:2]
    sigma, strength = rng.uniform(12, 40) * scale, rng.uniform(150, 400)
    # Paper exposed up to 250: the reflection burns out the widest it can on this set's brightest cards.
    reach = lighting.burnt_radius(sigma, strength, paper=250) + 15 * scale
    for _ in range(50):
        center = (rng.uniform(20, width - 20), rng.uniform(20, height - 20))
        if all(_distance(center, zone) > reach for zone in zones):
            return lighting.reflection(document, center, sigma, strength)
    return document


def _distance(point: tuple[float, float], box: tuple[int, int, int, int]) -> float:
    left, top, right, bottom = box
    dx = max(left - point[0], 0.0, point[0] - right)
    dy = max(top - point[1], 0.0, point[1] - bottom)
    return float(np.hypot(dx, dy))


def _selfie(stem: str, rng: random.Random) -> bytes:
    photo = lighting.exposure(photos.portrait(stem), rng.uniform(0.8, 1.1))
    if rng.random() < 0.5:
        photo = photos.blurred(photo, rng.uniform(0.3, 1.0))
    return photos.jpeg(photo, rng.randint(50, 95))
