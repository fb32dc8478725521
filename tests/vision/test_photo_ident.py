"""Photo-ident end to end: real OpenCV, OCR and deepface on drawn ID cards and real face photographs."""

from datetime import date

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from orderflow.contract.photo_ident import ImageKind, PhotoIdentInput, PhotoVerdict
from synthetic_ids import lighting, photos
from synthetic_ids.idcards import ERIKA_CARD, card_back, card_front
from tests.vision.conftest import DELIVERY_DAY, ERIKA_ORDER, JOERG_ORDER, JOERG_PASSPORT, Submit, Uploads, store_uploads

FRONT, BACK, PORTRAIT = ImageKind.ID_FRONT, ImageKind.ID_BACK, ImageKind.PORTRAIT


def kinds(result) -> list[ImageKind]:
    return [image.kind for image in result.images]


def test_same_person_passes(submit: Submit, uploads: Uploads) -> None:
    result = submit([uploads.front, uploads.back, uploads.portrait("obama_2")])

    assert result.verdict is PhotoVerdict.PASSED, result.reasons
    assert result.reasons == []
    assert kinds(result) == [FRONT, BACK, PORTRAIT]
    assert result.document_type == "TD1"
    assert result.face_threshold == pytest.approx(0.07)  # deepface's threshold for Dlib, cosine
    assert result.face_distance is not None and result.face_threshold is not None
    assert result.face_distance < result.face_threshold


def test_different_person_fails_with_face_mismatch(submit: Submit, uploads: Uploads) -> None:
    result = submit([uploads.front, uploads.back, uploads.portrait("biden_1")])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["FACE_MISMATCH"]
    assert result.face_distance is not None and result.face_threshold is not None
    assert result.face_distance > 1.2 * result.face_threshold


@pytest.mark.parametrize("order", [(2, 0, 1), (1, 2, 0), (2, 1, 0)])
def test_images_in_any_order_are_sorted(submit: Submit, uploads: Uploads, order: tuple[int, int, int]) -> None:
    images = [uploads.front, uploads.back, uploads.portrait()]
    expected_kinds = [FRONT, BACK, PORTRAIT]

    result = submit([images[i] for i in order])

    assert result.verdict is PhotoVerdict.PASSED, result.reasons
    assert kinds(result) == [expected_kinds[i] for i in order]


def test_upside_down_and_tilted_documents_are_read(submit: Submit, uploads: Uploads) -> None:
    front = photos.jpeg(photos.upside_down(photos.photograph(card_front(ERIKA_CARD), seed=4, tilt=12)))
    back = photos.jpeg(photos.upside_down(photos.photograph(card_back(ERIKA_CARD), seed=5, tilt=-22, perspective=0.05)))

    result = submit([back, uploads.portrait(), front])

    assert result.verdict is PhotoVerdict.PASSED, result.reasons
    assert kinds(result) == [BACK, PORTRAIT, FRONT]


def test_passport_data_page_is_accepted(submit: Submit, uploads: Uploads) -> None:
    passport = uploads.passport()

    result = submit([passport, passport, uploads.portrait("obama_1")], expected=JOERG_ORDER)

    assert result.verdict is PhotoVerdict.PASSED, result.reasons
    assert result.document_type == "TD3"


def test_wrong_date_of_birth_is_a_data_mismatch(submit: Submit, uploads: Uploads) -> None:
    expected = JOERG_ORDER.model_copy(update={"first_name": "Erika", "last_name": "Müller-Lüdenscheidt"})

    result = submit([uploads.front, uploads.back, uploads.portrait()], expected=expected)

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["DATE_OF_BIRTH_MISMATCH"]
    assert result.retry_possible is False  # new photos of the same card cannot change the date


def test_other_name_is_a_data_mismatch(submit: Submit, uploads: Uploads) -> None:
    expected = JOERG_ORDER.model_copy(update={"date_of_birth": date(1964, 8, 12)})

    result = submit([uploads.front, uploads.back, uploads.portrait()], expected=expected)

    assert result.reasons == ["NAME_MISMATCH"]
    assert result.retry_possible is False


def test_expired_document_fails_for_good(submit: Submit, uploads: Uploads) -> None:
    expired = ERIKA_CARD.but(expiry=date(2026, 11, 24))  # the day before delivery

    result = submit([uploads.front, uploads.back_of(expired), uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["DOCUMENT_EXPIRED"]
    assert result.retry_possible is False


@pytest.mark.parametrize("field", ["birth_date", "composite"])
def test_broken_check_digit_is_caught(submit: Submit, uploads: Uploads, field: str) -> None:
    result = submit([uploads.front, uploads.back_of(ERIKA_CARD.but(broken_check=field)), uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["MRZ_CHECK_DIGIT"]


def test_document_type_other_than_id_card_or_passport_is_refused(submit: Submit, uploads: Uploads) -> None:
    permit = ERIKA_CARD.but(code="AR")  # a residence permit, also TD1

    result = submit([uploads.front, uploads.back_of(permit), uploads.portrait()])

    assert result.reasons == ["DOCUMENT_TYPE_NOT_ACCEPTED"]
    assert result.retry_possible is False


@pytest.mark.parametrize(
    ("degrade", "reason"),
    [
        (lambda p: photos.blurred(p, 5), "BACK_BLUR"),
        (photos.glare, "BACK_GLARE"),
        (photos.dark, "BACK_DARK"),
    ],
    ids=["blur", "glare", "dark"],
)
def test_poor_back_photo_asks_for_a_retake_of_the_back(submit: Submit, uploads: Uploads, degrade, reason: str) -> None:
    back = photos.jpeg(degrade(photos.photograph(card_back(ERIKA_CARD), seed=2)))

    result = submit([uploads.front, back, uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == [reason]
    assert result.retry_possible is True
    assert kinds(result) == [FRONT, BACK, PORTRAIT]


def test_document_cut_off_at_the_edge(submit: Submit, uploads: Uploads) -> None:
    back = photos.jpeg(photos.photograph(card_back(ERIKA_CARD), seed=2, shift=(0.3, 0.0)))

    result = submit([uploads.front, back, uploads.portrait()])

    assert result.reasons == ["BACK_NOT_IN_FRAME"]


def test_two_faces_in_the_portrait(submit: Submit, uploads: Uploads) -> None:
    two = photos.jpeg(photos.two_people("obama_2", "biden_1"))

    result = submit([uploads.front, uploads.back, two])

    assert result.reasons == ["PORTRAIT_MULTIPLE_FACES"]
    assert result.face_distance is None


def test_no_face_in_the_portrait(submit: Submit, uploads: Uploads) -> None:
    result = submit([uploads.front, uploads.back, photos.jpeg(photos.table(seed=7))])

    assert result.reasons == ["PORTRAIT_NO_FACE"]
    assert kinds(result) == [FRONT, BACK, PORTRAIT]


@pytest.mark.parametrize(
    "junk",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 40, bytes(range(256)) * 64],
    ids=["pdf", "random-bytes"],
)
def test_not_an_image_is_rejected_with_a_reason(submit: Submit, uploads: Uploads, junk: bytes) -> None:
    result = submit([uploads.front, junk, uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["NOT_AN_IMAGE", "MISSING_ID_BACK"]
    assert result.images[1].kind is ImageKind.UNUSABLE
    assert result.images[1].reasons == ["NOT_AN_IMAGE"]


def test_passport_with_expired_date_and_id_card_name(submit: Submit, uploads: Uploads) -> None:
    expired = JOERG_PASSPORT.but(expiry=date(2025, 1, 1))

    result = submit(
        [uploads.passport(expired), uploads.portrait("obama_1"), uploads.passport(expired)], expected=JOERG_ORDER
    )

    assert result.reasons == ["DOCUMENT_EXPIRED"]
    assert result.document_type == "TD3"


def test_images_of_another_order_are_refused(vision_activities, blobs, uploads):
    refs = store_uploads(blobs, "OTHER-1", [uploads.front, uploads.back, uploads.portrait()])
    request = PhotoIdentInput(order_id="T-1", image_refs=refs, expected=ERIKA_ORDER, valid_on=DELIVERY_DAY)

    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(vision_activities.photo_ident, request)

    assert refused.value.type == "InvalidPhotoIdentRequest" and refused.value.non_retryable


@pytest.mark.parametrize(
    ("degrade", "reason"),
    [(lambda p: photos.dark(p, 0.15), "BACK_DARK"), (lambda p: photos.blurred(p, 7), "BACK_BLUR")],
)
def test_a_back_too_poor_to_be_found_as_a_document_is_still_the_back(
    submit: Submit, uploads: Uploads, degrade, reason: str
) -> None:
    # On a light grey desk, a dark or blurred card no longer stands out: no document is found, only a photo.
    on_desk = photos.photograph(card_back(ERIKA_CARD), seed=2, tilt=-5, backdrop=lighting.backdrop("desk", 0))

    result = submit([uploads.front, photos.jpeg(degrade(on_desk)), uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == [reason]
    assert kinds(result) == [FRONT, BACK, PORTRAIT]
    assert result.retry_possible is True


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0)])
def test_a_front_too_dark_to_be_found_is_still_the_front(
    submit: Submit, uploads: Uploads, order: tuple[int, int, int]
) -> None:
    # Its printed face is still found, so it looks like a second, dark portrait; the selfie is fine.
    on_desk = photos.photograph(card_front(ERIKA_CARD), seed=1, backdrop=lighting.backdrop("desk", 0))
    images = [photos.jpeg(photos.dark(on_desk, 0.15)), uploads.back, uploads.portrait()]

    result = submit([images[i] for i in order])

    assert result.reasons == ["FRONT_DARK"]
    assert kinds(result) == [[FRONT, BACK, PORTRAIT][i] for i in order]
