"""Input and output of the photo-ident activity (task queue `vision`).

Workflows carry references to stored images only, never image bytes.
"""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel

# The reason code of a check that could not run (our outage): the customer's photos may be fine.
CHECK_UNAVAILABLE = "CHECK_UNAVAILABLE"
# A high-value order's photos passed, but no liveness check did: a human looks at them in a video call.
LIVENESS_MISSING = "LIVENESS_MISSING"


class PhotoVerdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"  # a human looks at it (video ident queue)


class ImageKind(StrEnum):
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    PORTRAIT = "portrait"
    UNUSABLE = "unusable"


# Reason codes about one image start with its side ("BACK_GLARE"), so the customer knows which
# photo to take again. The vision activity writes them, the messages explain them.
REASON_SIDES = {ImageKind.ID_FRONT: "FRONT", ImageKind.ID_BACK: "BACK", ImageKind.PORTRAIT: "PORTRAIT"}


class ExpectedIdentity(BaseModel):
    """What the order says about the recipient; the document must match it."""

    first_name: str
    last_name: str
    date_of_birth: date


class PhotoIdentInput(BaseModel):
    order_id: str
    # Blob references in the order the customer uploaded them; the activity sorts them itself.
    image_refs: list[str]
    expected: ExpectedIdentity
    # The document must still be valid on the first delivery day.
    valid_on: date


class Measurement(BaseModel):
    """One quality figure of an image and the limit it was held to; never anything read from the document."""

    name: str  # e.g. "mrz_glare_share", "portrait_sharpness", "card_glare_share"
    value: float
    threshold: float
    bad_above: bool  # True: a value above the threshold is bad (glare); False: below is bad (blur, darkness)
    # False: measured where a problem does not stop the check (glare beside the MRZ); reported, never rejected.
    blocking: bool
    exceeded: bool


class ImageFinding(BaseModel):
    """What was found on one image, for the person who reviews the verdict later."""

    ref: str
    kind: ImageKind
    reasons: list[str] = []
    # Problems measured where they do not stop the check, e.g. "GLARE" on a card whose MRZ still reads.
    notes: list[str] = []
    measurements: list[Measurement] = []
    faces_found: int = 0
    mrz_found: bool = False
    # None when no MRZ was read from this image; the names of failed fields, never their values.
    mrz_check_digits_valid: bool | None = None
    mrz_failed_checks: list[str] = []


class PhotoIdentResult(BaseModel):
    verdict: PhotoVerdict
    # Machine-readable reason codes the customer can act on, e.g. "BACK_GLARE", "FACE_MISMATCH".
    reasons: list[str] = []
    # False when taking the photos again cannot help (e.g. an expired document).
    retry_possible: bool = True
    images: list[ImageFinding] = []
    document_type: str | None = None  # "TD1" (ID card) or "TD3" (passport)
    face_distance: float | None = None
    face_threshold: float | None = None
