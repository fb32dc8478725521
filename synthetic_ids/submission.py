"""The standard submission: Erika's ID card photographed on a table (the back at a slight tilt)
and a selfie of the same person. Shared by the vision tests, the end-to-end test and the benchmark."""

from synthetic_ids import photos
from synthetic_ids.idcards import ERIKA_CARD, Document, card_back, card_front


def front_photo(card: Document = ERIKA_CARD) -> bytes:
    return photos.jpeg(photos.photograph(card_front(card), seed=1))


def back_photo(card: Document = ERIKA_CARD) -> bytes:
    return photos.jpeg(photos.photograph(card_back(card), seed=2, tilt=-5))


def selfie_photo(stem: str = "obama_2") -> bytes:
    return photos.jpeg(photos.portrait(stem))


def standard_submission(card: Document = ERIKA_CARD, selfie: str = "obama_2") -> dict[str, bytes]:
    """JPEG bytes by side: "front", "back", "portrait"."""
    return {"front": front_photo(card), "back": back_photo(card), "portrait": selfie_photo(selfie)}
