"""The camera check in a real browser: Chromium's fake camera plays a synthetic head turn of a real face,
the page films it while showing the challenge, and the real liveness check on the vision queue judges it.

The challenge is random, so the film is written when the page asks for it: the test lets the page's
challenge request through, reads the steps, writes the matching film, and only then answers the page.
Chromium reads the file's header when it lists the fake camera and the frames when getUserMedia starts
it, so a file of the same size and frame rate written in between is what the camera shows.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from playwright.async_api import Browser, Route, async_playwright
from temporalio import activity

from activities.vision.head_pose import load_landmark_model
from activities.vision.liveness import LivenessModels
from activities.vision.liveness_activity import LivenessActivities
from activities.vision.models import VisionModels
from orderflow.blobs import BlobStore
from orderflow.contract.liveness import ChallengeStep, LivenessInput, LivenessResult
from orderflow.contract.names import LIVENESS_ACTIVITY
from orderflow.contract.order import IdentMethod
from synthetic_ids.liveness_frames import head
from tests.api.liveness_stack import LivenessLiveStack
from tests.api.screenshots import shoot
from tests.api.stack import STOREFRONT
from tests.api.test_pages_in_chromium import CHROMIUM_ARGS, PHONE, chromium  # noqa: F401 - the fixture
from tests.api.y4m import write_y4m
from tests.workflows.harness import make_order

FPS = 10
TURN = {ChallengeStep.TURN_LEFT: (30, 0), ChallengeStep.TURN_RIGHT: (-30, 0), ChallengeStep.LOOK_UP: (0, 30)}


def film(steps: list[ChallengeStep]) -> list[np.ndarray]:
    """Eight seconds: straight ahead, each asked movement (there and back), straight ahead until the end."""
    angles: list[tuple[float, float]] = [(0, 0)] * 8
    for step in steps:
        yaw, pitch = TURN[step]
        ramp = [i / 5 for i in range(1, 6)]
        angles += [(yaw * r, pitch * r) for r in ramp] + [(yaw, pitch)] * 6 + [(yaw * r, pitch * r) for r in ramp[::-1]]
        angles += [(0, 0)] * 2
    angles += [(0, 0)] * (8 * FPS - len(angles))
    return noisy([head("obama_1").turned(yaw=yaw, pitch=pitch) for yaw, pitch in angles])


def still_film() -> list[np.ndarray]:
    return noisy([head("obama_1").image] * (8 * FPS))


def noisy(frames: list[np.ndarray]) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [np.clip(f + rng.normal(0, 2.0, f.shape), 0, 255).astype(np.uint8) for f in frames]


@pytest.fixture(scope="module")
def liveness_models(tmp_path_factory: pytest.TempPathFactory) -> LivenessModels:
    from activities.vision.models import load_models

    vision: VisionModels = load_models(tmp_path_factory.mktemp("deepface"))
    return LivenessModels(vision, load_landmark_model())


@pytest.fixture
async def camera_browser(chromium, tmp_path) -> AsyncIterator[tuple[Browser, Path]]:  # noqa: F811
    camera = tmp_path / "camera.y4m"
    write_y4m(camera, still_film(), FPS)  # what the camera shows until the test writes the real film
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=args)
        yield browser, camera
        await browser.close()


class Recorder:
    """The real activity, keeping each request so the test sees what the page sent."""

    def __init__(self, activities: LivenessActivities) -> None:
        self.activities = activities
        self.requests: list[LivenessInput] = []

    @activity.defn(name=LIVENESS_ACTIVITY)
    def liveness_check(self, request: LivenessInput) -> LivenessResult:
        self.requests.append(request)
        return self.activities.liveness_check(request)


async def run_camera_check(
    browser: Browser, camera: Path, stack: LivenessLiveStack, follow: bool
) -> tuple[str, str, list[ChallengeStep]]:
    body = make_order(ident_method=IdentMethod.ONLINE).model_dump(mode="json", exclude={"policy"})
    async with httpx.AsyncClient(timeout=30) as http:
        created = (await http.post(f"{stack.base_url}/orders", json=body, headers=STOREFRONT)).json()
    page = await browser.new_page(**PHONE, locale="de-DE")
    page.set_default_timeout(30_000)
    asked: list[ChallengeStep] = []

    async def challenge(route: Route) -> None:
        response = await route.fetch()
        asked.extend(ChallengeStep(step) for step in (await response.json())["steps"])
        write_y4m(camera, film(asked) if follow else still_film(), FPS)
        await route.fulfill(response=response)

    await page.route("**/liveness/challenge", challenge)
    await page.goto(created["ident_url"])
    await page.click("#liveness-start")
    result = page.locator("#liveness-result")
    await result.wait_for()
    steps_text = await page.locator("#liveness-steps").inner_text()
    await shoot(page, "ident-liveness-" + ("passed" if follow else "failed"))
    passed = await result.get_attribute("data-passed")
    text = await result.inner_text()
    portrait_shown = await page.locator("fieldset[data-field=portrait] img.preview").is_visible()
    await page.close()
    return f"{passed}|{portrait_shown}", f"{text}\n{steps_text}", asked


async def test_following_the_challenge_on_camera_passes(
    camera_browser, liveness_models, dev_server_env, engine, settings
):
    browser, camera = camera_browser
    recorder = Recorder(LivenessActivities(liveness_models, BlobStore(settings.blob_path)))
    check = recorder.liveness_check
    target = dev_server_env.client.service_client.config.target_host
    with LivenessLiveStack(target, engine, settings, check) as stack:
        outcome, text, asked = await run_camera_check(browser, camera, stack, follow=True)

    assert outcome == "true|True", text
    assert "Kamera-Check bestanden" in text
    german = {"turn_left": "nach links", "turn_right": "nach rechts", "look_up": "nach oben"}
    assert all(german[step.value] in text for step in asked)
    [request] = recorder.requests
    assert request.steps == asked and len(request.frame_refs) == 12
    gaps = np.diff(request.timestamps_ms)
    assert (gaps > 200).all() and (gaps < 1000).all(), request.timestamps_ms


async def test_a_still_face_on_camera_fails(camera_browser, liveness_models, dev_server_env, engine, settings):
    browser, camera = camera_browser
    recorder = Recorder(LivenessActivities(liveness_models, BlobStore(settings.blob_path)))
    check = recorder.liveness_check
    target = dev_server_env.client.service_client.config.target_host
    with LivenessLiveStack(target, engine, settings, check) as stack:
        outcome, text, _ = await run_camera_check(browser, camera, stack, follow=False)

    assert outcome == "false|False", text
    assert "hat nicht geklappt" in text
    assert len(recorder.requests) == 1
