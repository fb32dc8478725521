"""Customer ident link: the page, photos (multipart, sniffed, size-limited), video call, doorstep."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.order import IdentMethod
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.links import LinkPurpose, sign
from tests.api.photos import HEIC, JPEG, PDF, PNG, three
from tests.api.stack import MAX_UPLOAD_BYTES, STOREFRONT
from tests.workflows.harness import make_order, wait_for_stage

JSON = {"Accept": "application/json"}


async def new_order(api, stage: Stage = Stage.AWAITING_IDENT, **order):
    made = make_order(**order)
    handle = await api.h.start_at_stage(made, stage)
    return made.order_id, handle


def stored_blobs(api, order_id: str) -> list:
    folder = api.settings.blob_path / order_id
    return sorted(folder.iterdir()) if folder.is_dir() else []


async def test_ident_page_offers_photos_video_and_doorstep(api):
    order_id, _ = await new_order(api)

    page = await api.http.get(api.ident_path(order_id), headers={"Accept-Language": "de-DE,de;q=0.9"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert 'name="front"' in html and 'name="back"' in html and 'name="portrait"' in html
    assert "Per Videoanruf identifizieren" in html and "Ausweisprüfung an der Haustür wählen" in html
    assert "/static/ident.js" in html and "https://" not in html.split("<body>")[1].split("page-data")[0]
    english = await api.http.get(api.ident_path(order_id) + "?lang=en")
    assert "Verify by video call" in english.text


async def test_photos_passed(api):
    api.h.fakes.verdicts = [PhotoVerdict.PASSED]
    order_id, handle = await new_order(api, unit_price="99.00")

    response = await api.http.post(f"{api.ident_path(order_id)}/photos", files=three(), headers=JSON)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verdict"] == "passed" and result["stage"] == "identified"
    [request] = api.h.fakes.photo_requests
    assert len(request.image_refs) == 3
    await wait_for_stage(handle, Stage.DISPATCHED)


async def test_photos_failed_shows_reasons_tries_and_next_actions(api):
    api.h.fakes.verdicts = [PhotoVerdict.FAILED]
    order_id, _ = await new_order(api)

    response = await api.http.post(f"{api.ident_path(order_id)}/photos", files=three(), headers=JSON)

    assert response.status_code == 200
    result = response.json()
    assert result["verdict"] == "failed" and result["reasons"] == ["BACK_GLARE"]
    assert result["tries_left"] == 2 and result["stage"] == "awaiting_ident"
    assert result["next_actions"] == ["retake_photos", "video_call", "doorstep"]
    # The workflow got references into the blob store, never bytes; the stored bytes are the upload's.
    # (Kept while identification is open; the workflow deletes them once it is decided.)
    [request] = api.h.fakes.photo_requests
    front, back, portrait = (api.settings.blob_path / ref for ref in request.image_refs)
    assert front.read_bytes() == JPEG and back.read_bytes() == JPEG and portrait.read_bytes() == PNG
    assert portrait.suffix == ".png"


async def test_photos_right_after_the_order_started(api):
    """The storefront's redirect can beat the workflow's first activities: no wrong_stage for that."""
    api.h.fakes.verdicts = [PhotoVerdict.PASSED]
    body = make_order(unit_price="99.00").model_dump(mode="json", exclude={"policy"})
    created = (await api.http.post("/orders", json=body, headers=STOREFRONT)).json()
    ident_path = created["ident_url"].removeprefix(api.settings.public_base_url)

    response = await api.http.post(f"{ident_path}/photos", files=three(), headers=JSON)

    assert response.status_code == 200
    assert response.json()["verdict"] == "passed"


async def test_content_is_sniffed_not_the_file_name(api):
    order_id, handle = await new_order(api)
    photos = f"{api.ident_path(order_id)}/photos"

    for bad in (PDF, HEIC, b"GIF89a" + bytes(100), b"\xff\xd8"):
        response = await api.http.post(photos, files=three(back=bad, name="photo.jpg"), headers=JSON)
        assert response.status_code == 415, bad[:8]
        assert response.json()["code"] == "unsupported_image"
        assert response.json()["message"].startswith("back:")
    # A PNG called .jpg is fine: the bytes decide.
    api.h.fakes.verdicts = [PhotoVerdict.FAILED]
    assert (await api.http.post(photos, files=three(front=PNG, name="x.heic"), headers=JSON)).status_code == 200
    # Refused uploads left nothing behind; the accepted one left its three photos.
    assert len(stored_blobs(api, order_id)) == 3
    assert (await wait_for_stage(handle, Stage.AWAITING_IDENT)).photo_tries_left == 2


async def test_too_large_photo_is_413_and_nothing_is_kept(api):
    order_id, handle = await new_order(api)

    big = JPEG + bytes(MAX_UPLOAD_BYTES)
    response = await api.http.post(f"{api.ident_path(order_id)}/photos", files=three(portrait=big), headers=JSON)

    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert response.json()["message"].startswith("portrait:")
    assert stored_blobs(api, order_id) == []
    assert (await wait_for_stage(handle, Stage.AWAITING_IDENT)).photo_tries_left == 3


async def test_declared_length_over_the_limit_is_refused_before_reading(api):
    order_id, _ = await new_order(api)

    response = await api.http.post(
        f"{api.ident_path(order_id)}/photos",
        content=b"x" * 10,
        headers={**JSON, "Content-Type": "multipart/form-data; boundary=abc", "Content-Length": str(10**9)},
    )

    assert response.status_code == 413


async def test_missing_or_duplicate_fields_are_422(api):
    order_id, handle = await new_order(api)
    photos = f"{api.ident_path(order_id)}/photos"

    missing = await api.http.post(photos, files={"front": ("a.jpg", JPEG, "image/jpeg")}, headers=JSON)
    assert missing.status_code == 422
    assert missing.json() == {"code": "photos_missing", "message": "three photos are needed; missing: back, portrait"}

    duplicate = [("front", ("a.jpg", JPEG)), ("front", ("b.jpg", JPEG)), ("back", ("c.jpg", JPEG))]
    assert (await api.http.post(photos, files=duplicate, headers=JSON)).json()["code"] == "duplicate_photo"

    empty = await api.http.post(photos, files=three(front=b""), headers=JSON)
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_photo")

    truncated = await api.http.post(
        photos,
        content=b'--abc\r\nContent-Disposition: form-data; name="front"; filename="a.jpg"\r\n\r\n\xff\xd8\xff\xe0',
        headers={**JSON, "Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert (truncated.status_code, truncated.json()["code"]) == (422, "malformed_upload")
    assert stored_blobs(api, order_id) == []
    assert (await wait_for_stage(handle, Stage.AWAITING_IDENT)).photo_tries_left == 3


async def test_not_multipart_is_415(api):
    order_id, _ = await new_order(api)

    response = await api.http.post(f"{api.ident_path(order_id)}/photos", json={"front": "x"}, headers=JSON)

    assert response.status_code == 415
    assert response.json()["code"] == "multipart_required"


async def test_photos_in_the_wrong_stage_are_409_and_not_stored(api):
    api.h.fakes.verdicts = [PhotoVerdict.PASSED]
    order_id, handle = await new_order(api, unit_price="99.00")
    photos = f"{api.ident_path(order_id)}/photos"
    assert (await api.http.post(photos, files=three(), headers=JSON)).status_code == 200
    await wait_for_stage(handle, Stage.DISPATCHED)
    before = set(stored_blobs(api, order_id))  # the first submission's, unless already deleted after the decision

    again = await api.http.post(photos, files=three(), headers=JSON)

    assert again.status_code == 409
    assert again.json()["code"] == "wrong_stage"
    assert set(stored_blobs(api, order_id)) <= before


async def test_no_tries_left_is_409(api):
    api.h.fakes.verdicts = [PhotoVerdict.FAILED] * 3
    order_id, handle = await new_order(api)
    photos = f"{api.ident_path(order_id)}/photos"
    for _ in range(3):
        assert (await api.http.post(photos, files=three(), headers=JSON)).status_code == 200
    # The third failure used the last try: the courier checks the ID now.
    status = await wait_for_stage(handle, Stage.DISPATCHED)
    assert status.ident_outcome == "doorstep"

    response = await api.http.post(photos, files=three(), headers=JSON)

    assert response.status_code == 409


async def test_video_call_then_doorstep(api):
    order_id, handle = await new_order(api)

    video = await api.http.post(f"{api.ident_path(order_id)}/video", headers=JSON)

    assert video.status_code == 200
    state = video.json()
    assert state["stage"] == "awaiting_video_agent" and state["video_session_id"]
    assert state["next_actions"] == ["wait_for_agent", "doorstep"]
    twice = await api.http.post(f"{api.ident_path(order_id)}/video", headers=JSON)
    assert (twice.status_code, twice.json()["code"]) == (409, "wrong_stage")
    page = await api.http.get(api.ident_path(order_id) + "?lang=en")  # the order is German
    assert "Your video call has been requested" in page.text

    doorstep = await api.http.post(f"{api.ident_path(order_id)}/doorstep", headers=JSON)

    assert doorstep.status_code == 200
    assert doorstep.json()["ident_outcome"] == "doorstep"
    await wait_for_stage(handle, Stage.DISPATCHED)
    page = await api.http.get(api.ident_path(order_id) + "?lang=en")  # the order is German
    assert "The courier will check your ID at the door." in page.text
    assert "/track/" in page.text
    late = await api.http.post(f"{api.ident_path(order_id)}/doorstep", headers=JSON)
    assert late.status_code == 409


async def test_plain_form_posts_lead_back_to_the_page(api):
    order_id, _ = await new_order(api)
    page = api.ident_path(order_id)

    response = await api.http.post(f"{page}/video", headers={"Accept": "text/html"})

    assert response.status_code == 303
    assert response.headers["location"] == page
    refused = await api.http.post(f"{page}/video", headers={"Accept": "text/html"})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("text/html")
    assert f'href="{page}"' in refused.text


async def test_tampered_link_is_403_with_a_page_saying_what_to_do(api):
    order_id, _ = await new_order(api)
    path = api.ident_path(order_id)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    other_order = path.replace(order_id, order_id + "X", 1)

    for bad in (tampered, other_order, "/ident/garbage", api.track_path(order_id).replace("/track/", "/ident/")):
        page = await api.http.get(bad, headers={"Accept-Language": "en"})
        assert page.status_code == 403, bad
        assert "most recent e-mail" in page.text
        assert "call" not in page.text.lower()
    post = await api.http.post(f"{tampered}/photos", files=three(), headers=JSON)
    assert post.status_code == 403
    assert post.json()["code"] == "link_invalid"
    assert stored_blobs(api, order_id) == []


async def test_expired_link_is_410(api):
    order_id, _ = await new_order(api)
    expired = sign(api.settings, order_id, LinkPurpose.IDENT, now=datetime.now(UTC) - timedelta(days=3))

    page = await api.http.get(f"/ident/{expired}")

    assert page.status_code == 410
    assert "abgelaufen" in page.text
    post = await api.http.post(f"/ident/{expired}/doorstep", headers=JSON)
    assert (post.status_code, post.json()["code"]) == (410, "link_expired")


async def test_link_to_an_order_that_does_not_exist_is_404(api):
    page = await api.http.get(api.ident_path("NO-SUCH-ORDER"))

    assert page.status_code == 404
    assert "keine Bestellung" in page.text


async def test_order_without_online_ident(api):
    order_id, _ = await new_order(api, stage=Stage.DISPATCHED, ident_method=IdentMethod.DOORSTEP)

    page = await api.http.get(api.ident_path(order_id) + "?lang=en")  # the order is German

    assert page.status_code == 200
    assert "needs no online identification" in page.text
    response = await api.http.post(f"{api.ident_path(order_id)}/photos", files=three(), headers=JSON)
    assert response.status_code == 409


@pytest.mark.parametrize("action", ["photos", "video", "doorstep"])
async def test_every_ident_action_checks_the_link_first(api, action):
    order_id, handle = await new_order(api)
    good = api.ident_path(order_id)
    expired = "/ident/" + sign(api.settings, order_id, LinkPurpose.IDENT, now=datetime.now(UTC) - timedelta(days=3))
    cases = {
        good[:-1] + ("A" if good[-1] != "A" else "B"): (403, "link_invalid"),
        expired: (410, "link_expired"),
        api.ident_path("NO-SUCH-ORDER"): (404, "order_not_found"),
    }
    for path, (status_code, code) in cases.items():
        response = await api.http.post(f"{path}/{action}", files=three(), headers=JSON)
        assert (response.status_code, response.json().get("code")) == (status_code, code), (path, response.text)

    assert stored_blobs(api, order_id) == []
    status = await wait_for_stage(handle, Stage.AWAITING_IDENT)
    assert status.photo_tries_left == 3 and status.video_session is None


async def test_a_photo_check_that_takes_too_long_answers_503(api, monkeypatch):
    monkeypatch.setattr("api.workflow_calls.UPDATE_PATIENCE", 0.5)
    order_id, handle = await new_order(api)  # no scripted verdict: the check fails and is retried

    response = await api.http.post(f"{api.ident_path(order_id)}/photos", files=three(), headers=JSON)

    assert (response.status_code, response.json()["code"]) == (503, "order_busy")
    # The order carried on by itself: a check that broke does not cost the customer a try.
    status = await wait_for_stage(handle, Stage.PHOTO_CHECK)
    for _ in range(100):
        status = await handle.query(OrderWorkflowContract.status)
        if status.stage == Stage.AWAITING_IDENT:
            break
        await asyncio.sleep(0.1)
    assert status.stage == Stage.AWAITING_IDENT and status.photo_tries_left == 3
