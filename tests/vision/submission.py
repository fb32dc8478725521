"""The standard submission: Erika's ID card photographed on a table (the back at a slight tilt)
and a selfie of the same person. Shared by the end-to-end test and the benchmark."""

from tests.vision import photos
from tests.vision.idcards import ERIKA_CARD, Document, card_back, card_front


def standard_submission(card: Document = ERIKA_CARD, selfie: str = "obama_2") -> dict[str, bytes]:
    """JPEG bytes by side: "front", "back", "portrait"."""
    return {
        "front": photos.jpeg(photos.photograph(card_front(card), seed=1)),
        "back": photos.jpeg(photos.photograph(card_back(card), seed=2, tilt=-5)),
        "portrait": photos.jpeg(photos.portrait(selfie)),
    }
