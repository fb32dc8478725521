"""A passport's data page photographed twice: its MRZ is read once when that reading holds."""

from dataclasses import replace

import numpy as np
import pytest

from activities.vision.decoding import ImageLimits
from activities.vision.models import VisionModels
from activities.vision.ocr import LineRecognizer
from activities.vision.pipeline import identify
from orderflow.contract.photo_ident import PhotoIdentInput, PhotoVerdict
from tests.vision.conftest import DELIVERY_DAY, JOERG_ORDER, JOERG_PASSPORT, Uploads


class CountingRecognizer(LineRecognizer):
    """The real recogniser, counting the MRZ readings it is asked for."""

    def __init__(self, real: LineRecognizer) -> None:  # shares the real session, loads nothing
        self.__dict__.update(real.__dict__)
        self.readings = 0

    def read(self, lines: list[np.ndarray]) -> list[str]:
        self.readings += 1
        return super().read(lines)


@pytest.mark.parametrize(
    ("passport", "readings", "verdict"),
    [(JOERG_PASSPORT, 1, PhotoVerdict.PASSED), (JOERG_PASSPORT.but(broken_check="birth_date"), 2, PhotoVerdict.FAILED)],
    ids=["holds", "fails-its-check-digits"],
)
def test_the_second_photo_of_the_page_is_read_only_when_the_first_reading_fails(
    vision_models: VisionModels, uploads: Uploads, passport, readings: int, verdict: PhotoVerdict
) -> None:
    recognizer = CountingRecognizer(vision_models.recognizer)
    models = replace(vision_models, recognizer=recognizer)
    images = {
        "page-1": uploads.passport(passport),
        "portrait": uploads.portrait("obama_1"),
        "page-2": uploads.passport(passport),
    }
    request = PhotoIdentInput(order_id="T-1", image_refs=list(images), expected=JOERG_ORDER, valid_on=DELIVERY_DAY)

    result = identify(request, images.get, models, ImageLimits())

    assert result.verdict is verdict, result.reasons
    assert result.document_type == "TD3"
    assert recognizer.readings == readings
