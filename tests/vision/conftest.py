"""Fixtures for the vision tests: the real models (loaded once per session) and ready-made uploads."""

from collections.abc import Callable
from datetime import date

import pytest
from temporalio.testing import ActivityEnvironment

from activities.vision.activity import VisionActivities
from activities.vision.decoding import ImageLimits
from activities.vision.models import VisionModels, load_models
from orderflow.blobs import BlobStore
from orderflow.contract.photo_ident import ExpectedIdentity, PhotoIdentInput, PhotoIdentResult
from synthetic_ids import photos
from synthetic_ids.idcards import JOERG, Document, passport_page
from synthetic_ids.submission import back_photo, front_photo, selfie_photo

DELIVERY_DAY = date(2026, 11, 25)
ERIKA_ORDER = ExpectedIdentity(first_name="Erika", last_name="Müller-Lüdenscheidt", date_of_birth=date(1964, 8, 12))
JOERG_ORDER = ExpectedIdentity(first_name="Jörg", last_name="Groß", date_of_birth=date(1942, 11, 20))
JOERG_PASSPORT = Document(JOERG, face="obama_2", expiry=date(2030, 1, 15), layout="TD3", number="C01X00T47", code="P<")


@pytest.fixture(scope="session")
def vision_models(tmp_path_factory: pytest.TempPathFactory) -> VisionModels:
    return load_models(tmp_path_factory.mktemp("deepface"))


@pytest.fixture(scope="session")
def blobs(tmp_path_factory: pytest.TempPathFactory) -> BlobStore:
    return BlobStore(tmp_path_factory.mktemp("blobs"))


@pytest.fixture(scope="session")
def vision_activities(vision_models: VisionModels, blobs: BlobStore) -> VisionActivities:
    return VisionActivities(vision_models, blobs, ImageLimits())


class Uploads:
    """JPEG bytes of the standard submission and its variants, drawn once per session."""

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def get(self, name: str, draw: Callable[[], bytes]) -> bytes:
        if name not in self._cache:
            self._cache[name] = draw()
        return self._cache[name]

    @property
    def front(self) -> bytes:
        return self.get("front", front_photo)

    @property
    def back(self) -> bytes:
        return self.get("back", back_photo)

    def portrait(self, stem: str = "obama_2") -> bytes:
        return self.get(f"portrait-{stem}", lambda: selfie_photo(stem))

    def back_of(self, doc: Document) -> bytes:
        return back_photo(doc)

    def passport(self, doc: Document = JOERG_PASSPORT) -> bytes:
        return photos.jpeg(photos.photograph(passport_page(doc), seed=3, width_share=0.75))


@pytest.fixture(scope="session")
def uploads() -> Uploads:
    return Uploads()


def store_uploads(blobs: BlobStore, order_id: str, images: list[bytes]) -> list[str]:
    """Stores the images as the API would; their references, in the same order."""
    refs = []
    for data in images:
        ref = blobs.new_ref(order_id, "jpg")  # named .jpg whatever the bytes are, as a customer's upload may be
        blobs.write_chunks(ref, [data])
        refs.append(ref)
    return refs


Submit = Callable[..., PhotoIdentResult]


@pytest.fixture
def submit(vision_activities: VisionActivities, blobs: BlobStore) -> Submit:
    """Stores the images as the API would and runs the real activity on them."""

    def run(
        images: list[bytes], expected: ExpectedIdentity = ERIKA_ORDER, valid_on: date = DELIVERY_DAY
    ) -> PhotoIdentResult:
        refs = store_uploads(blobs, "T-1", images)
        request = PhotoIdentInput(order_id="T-1", image_refs=refs, expected=expected, valid_on=valid_on)
        return ActivityEnvironment().run(vision_activities.photo_ident, request)

    return run
