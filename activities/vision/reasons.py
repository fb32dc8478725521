"""Reason codes in a photo-ident result: machine-readable, each one something the customer can act on.

Codes about one image carry the side as a prefix ("BACK_GLARE": retake the back side, there is glare);
codes about the whole submission stand alone ("FACE_MISMATCH").
"""

from enum import StrEnum


class ImageProblem(StrEnum):
    """Problems of a single image; reported as `<SIDE>_<PROBLEM>`, e.g. `BACK_BLUR`."""

    NOT_STORED = "NOT_STORED"  # the reference points at no stored upload
    NOT_AN_IMAGE = "NOT_AN_IMAGE"  # a PDF, random bytes, an unknown format
    TRUNCATED = "TRUNCATED"  # the upload stopped before the end of the file
    TOO_SMALL = "TOO_SMALL"
    TOO_LARGE = "TOO_LARGE"  # bytes or pixels over the limit
    BLUR = "BLUR"
    GLARE = "GLARE"
    DARK = "DARK"
    NOT_IN_FRAME = "NOT_IN_FRAME"  # the document is cut off at the edge of the photo
    PERSPECTIVE = "PERSPECTIVE"  # photographed at too steep an angle
    MRZ_UNREADABLE = "MRZ_UNREADABLE"
    NO_FACE = "NO_FACE"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    UNRECOGNISED = "UNRECOGNISED"  # neither an ID side nor a portrait


class Reason(StrEnum):
    """Problems of the submission as a whole."""

    WRONG_IMAGE_COUNT = "WRONG_IMAGE_COUNT"
    MISSING_ID_FRONT = "MISSING_ID_FRONT"
    MISSING_ID_BACK = "MISSING_ID_BACK"
    MISSING_PORTRAIT = "MISSING_PORTRAIT"
    DUPLICATE_IMAGE = "DUPLICATE_IMAGE"
    MRZ_CHECK_DIGIT = "MRZ_CHECK_DIGIT"
    DOCUMENT_TYPE_NOT_ACCEPTED = "DOCUMENT_TYPE_NOT_ACCEPTED"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
    NAME_MISMATCH = "NAME_MISMATCH"
    NAME_PARTIAL_MATCH = "NAME_PARTIAL_MATCH"  # surname matches, given names only in part: a person decides
    DATE_OF_BIRTH_MISMATCH = "DATE_OF_BIRTH_MISMATCH"
    FACE_MISMATCH = "FACE_MISMATCH"
    FACE_BORDERLINE = "FACE_BORDERLINE"  # close to the threshold: a person decides


# New photos of the same document cannot fix these.
FINAL = frozenset(
    {
        Reason.DOCUMENT_TYPE_NOT_ACCEPTED,
        Reason.DOCUMENT_EXPIRED,
        Reason.NAME_MISMATCH,
        Reason.DATE_OF_BIRTH_MISMATCH,
    }
)


# These send the submission to a person instead of failing it.
REVIEW = frozenset({Reason.NAME_PARTIAL_MATCH, Reason.FACE_BORDERLINE})


def image_code(side: str | None, problem: ImageProblem) -> str:
    """`BACK_GLARE` when the side is known, the bare problem (`NOT_AN_IMAGE`) when it is not."""
    return f"{side}_{problem.value}" if side else problem.value
