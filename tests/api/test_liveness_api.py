"""The camera check through the ident link: challenge, frames (bounded, sniffed), verdict; replays refused."""

from collections.abc import AsyncIterator

import cv2
import numpy as np
import pytest

from orderflow.contract.liveness import MAX_FRAME_BYTES, MAX_FRAMES
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.storefront import start_order as storefront_start
from tests.api.liveness_stack import LivenessApi, running_liveness_api
from tests.workflows.harness import make_order, wait_for_stage
from tests.workflows.liveness_harness import ScriptedLiveness

JSON = {"Accept": "application/json"}


@pytest.fixture
async def api(time_skipping_env, settings) -> AsyncIterator[tuple[LivenessApi, ScriptedLiveness]]:
    liveness = ScriptedLiveness()
    async with running_liveness_api(time_skipping_env.client, settings, liveness.liveness_check) as running:
        yield running, liveness


def frame(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    return cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, 60])[1].tobytes()


def plain(size: tuple[int, int]) -> bytes:
    return cv2.imencode(".jpg", np.full((size[1], size[0], 3), 128, np.uint8))[1].tobytes()


def body(challenge_id: str, frames: list[bytes], times: list[float] | None = None) -> tuple[dict, list]:
    times = times if times is not None else [i * 350.0 for i in range(len(frames))]
    data = {"challenge_id": challenge_id, "timestamps": ",".join(str(t) for t in times)}
    return data, [("frame", (f"f{i}.jpg", f, "image/jpeg")) for i, f in enumerate(frames)]


async def start_order(api: LivenessApi, ident_method: IdentMethod = IdentMethod.ONLINE) -> str:
    made = make_order(ident_method=ident_method)
    handle = await storefront_start(api.app.state.temporal, made, task_queue=api.rig.task_queue)
    if ident_method == IdentMethod.ONLINE:
        await wait_for_stage(handle, Stage.AWAITING_IDENT)
    return made.order_id


def blobs_of(api: LivenessApi, order_id: str) -> list:
    folder = api.settings.blob_path / order_id
    return sorted(folder.iterdir()) if folder.is_dir() else []


async def challenge(api: LivenessApi, order_id: str) -> dict:
    response = await api.http.post(f"{api.ident_path(order_id)}/liveness/challenge", headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_page_offers_the_camera_check_in_german_and_english(api):
    running, _ = api
    order_id = await start_order(running)
    german = await running.http.get(running.ident_path(order_id), headers={"Accept-Language": "de-DE"})
    assert 'id="liveness"' in german.text and "Kamera-Check starten" in german.text
    assert "/static/liveness.js" in german.text
    english = await running.http.get(running.ident_path(order_id) + "?lang=en")
    assert "Start the camera check" in english.text
    script = await running.http.get("/static/liveness.js")
    assert script.status_code == 200 and "getUserMedia" in script.text


async def test_frames_answer_the_challenge_once(api):
    running, liveness = api
    liveness.verdicts = [True]
    order_id = await start_order(running)
    issued = await challenge(running, order_id)
    assert len(issued["steps"]) == 2
    frames = [frame(i) for i in range(10)]

    data, files = body(issued["challenge_id"], frames)
    response = await running.http.post(f"{running.ident_path(order_id)}/liveness", data=data, files=files, headers=JSON)

    assert response.status_code == 200, response.text
    assert response.json()["passed"] is True and response.json()["stage"] == "awaiting_ident"
    [request] = liveness.requests
    assert request.steps == issued["steps"] and request.timestamps_ms == [i * 350.0 for i in range(10)]
    stored = {running.settings.blob_path / ref for ref in request.frame_refs}
    assert {p.read_bytes() for p in stored} == set(frames)

    # The same recording sent again: refused, and its frames are not kept.
    before = blobs_of(running, order_id)
    again = await running.http.post(f"{running.ident_path(order_id)}/liveness", data=data, files=files, headers=JSON)
    assert again.status_code == 409 and again.json()["code"] == "unknown_challenge"
    assert blobs_of(running, order_id) == before


@pytest.mark.parametrize(
    ("frames", "times", "status", "code"),
    [
        ([frame(i) for i in range(MAX_FRAMES + 1)], None, 422, "too_many_frames"),
        ([frame(i) for i in range(3)], None, 422, "too_few_frames"),
        ([frame(i) for i in range(8)], [0.0, 350.0], 422, "timestamps_invalid"),
        ([frame(i) for i in range(8)], [-1.0] + [i * 350.0 for i in range(1, 8)], 422, "timestamps_invalid"),
        ([b"%PDF-1.7\n" + bytes(4000)] * 8, None, 415, "unsupported_image"),
        ([plain((1600, 1200))] * 8, None, 422, "frame_size"),
        ([plain((200, 150))] * 8, None, 422, "frame_size"),
        ([b"\xff\xd8\xff\xe0" + bytes(MAX_FRAME_BYTES)] * 8, None, 413, "frame_too_large"),
    ],
    ids=["too-many", "too-few", "times-count", "negative-time", "not-an-image", "too-big", "too-small", "too-large"],
)
async def test_frames_out_of_bounds_are_refused_before_anything_is_stored(api, frames, times, status, code):
    running, liveness = api
    order_id = await start_order(running)
    issued = await challenge(running, order_id)
    data, files = body(issued["challenge_id"], frames, times)

    response = await running.http.post(f"{running.ident_path(order_id)}/liveness", data=data, files=files, headers=JSON)

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert blobs_of(running, order_id) == []
    assert liveness.requests == []


async def test_not_multipart_and_no_challenge_id(api):
    running, _ = api
    order_id = await start_order(running)
    path = f"{running.ident_path(order_id)}/liveness"
    plain = await running.http.post(path, json={"frames": []}, headers=JSON)
    assert plain.status_code == 415 and plain.json()["code"] == "multipart_required"
    _, files = body("x", [frame(i) for i in range(8)])
    missing = await running.http.post(path, data={"timestamps": "0"}, files=files, headers=JSON)
    assert missing.status_code == 422 and missing.json()["code"] == "challenge_missing"


async def test_no_camera_check_once_identification_is_over(api):
    running, _ = api
    order_id = await start_order(running, IdentMethod.DOORSTEP)
    response = await running.http.post(f"{running.ident_path(order_id)}/liveness/challenge", headers=JSON)
    assert response.status_code == 409 and response.json()["code"] == "wrong_stage"
