"""Quality problems reject an image only where they stop what it is for: the MRZ, the card's portrait."""

from orderflow.contract.photo_ident import ImageKind, PhotoVerdict
from synthetic_ids import photos
from synthetic_ids.idcards import ERIKA_CARD, card_back, card_front, mrz_lines
from tests.vision.conftest import Submit, Uploads


def measured(image, name: str):
    return next(m for m in image.measurements if m.name == name)


def test_reflection_beside_the_mrz_and_the_portrait_is_a_finding_not_a_retake(submit: Submit, uploads: Uploads) -> None:
    # The lamp's reflection on the laminate: over the address on the back, over the header on the front.
    back = photos.glare(photos.photograph(card_back(ERIKA_CARD), seed=2, tilt=-5), center=(0.62, 0.33), radius=0.05)
    front = photos.glare(photos.photograph(card_front(ERIKA_CARD), seed=1), center=(0.7, 0.3), radius=0.04)

    result = submit([photos.jpeg(front), photos.jpeg(back), uploads.portrait()])

    assert result.verdict is PhotoVerdict.PASSED, result.reasons
    assert result.reasons == []
    for image in result.images[:2]:
        assert image.notes == ["GLARE"], image
        assert image.reasons == []
        card_glare = measured(image, "card_glare_share")
        assert card_glare.exceeded and not card_glare.blocking
    assert result.images[1].mrz_check_digits_valid is True
    assert not measured(result.images[1], "mrz_glare_share").exceeded
    assert not measured(result.images[0], "card_portrait_glare_share").exceeded


def test_glare_over_the_mrz_asks_for_a_retake_of_the_back(submit: Submit, uploads: Uploads) -> None:
    # A hard reflection on the middle MRZ line: some characters are gone.
    back = photos.glare(photos.photograph(card_back(ERIKA_CARD), seed=2, tilt=-5), center=(0.45, 0.68), radius=0.03)

    result = submit([uploads.front, photos.jpeg(back), uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["BACK_GLARE"]
    assert result.retry_possible is True
    assert result.images[1].kind is ImageKind.ID_BACK
    mrz_glare = measured(result.images[1], "mrz_glare_share")
    assert mrz_glare.exceeded and mrz_glare.blocking


def test_glare_over_the_card_portrait_asks_for_a_retake_of_the_front(submit: Submit, uploads: Uploads) -> None:
    front = photos.glare(photos.photograph(card_front(ERIKA_CARD), seed=1), center=(0.3, 0.45), radius=0.04)

    result = submit([photos.jpeg(front), uploads.back, uploads.portrait()])

    assert result.verdict is PhotoVerdict.FAILED
    assert result.reasons == ["FRONT_GLARE"]
    assert result.face_distance is None  # no face was compared


def test_findings_tell_what_was_measured_but_nothing_that_was_read(submit: Submit, uploads: Uploads) -> None:
    result = submit([uploads.front, uploads.back, uploads.portrait()])

    front, back, portrait = result.images
    assert (front.faces_found, back.faces_found, portrait.faces_found) == (1, 0, 1)
    assert back.mrz_found and back.mrz_check_digits_valid is True and back.mrz_failed_checks == []
    assert {m.name for m in back.measurements} >= {"brightness", "mrz_glare_share", "mrz_sharpness", "card_glare_share"}
    assert {m.name for m in front.measurements} >= {"card_portrait_glare_share", "card_portrait_sharpness"}
    assert {m.name for m in portrait.measurements} >= {"portrait_sharpness", "portrait_glare_share"}
    assert not any(m.exceeded for image in result.images for m in image.measurements)
    serialized = result.model_dump_json()
    for secret in [*mrz_lines(ERIKA_CARD), "ERIKA", "MUELLER", "T22000129", "640812"]:
        assert secret not in serialized


def test_a_broken_check_digit_is_named_without_its_value(submit: Submit, uploads: Uploads) -> None:
    result = submit([uploads.front, uploads.back_of(ERIKA_CARD.but(broken_check="birth_date")), uploads.portrait()])

    assert result.reasons == ["MRZ_CHECK_DIGIT"]
    assert result.images[1].mrz_check_digits_valid is False
    assert "birth_date" in result.images[1].mrz_failed_checks
