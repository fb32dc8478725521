"""The customer pages in a real browser: Debian's headless Chromium driven by Playwright."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from orderflow.contract.order import IdentMethod, workflow_id_for
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from tests.api.photos import JPEG, PNG
from tests.api.screenshots import shoot
from tests.api.stack import STOREFRONT, LiveStack
from tests.workflows.harness import make_order, wait_for_stage

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def chromium() -> Path:
    # Fail, not skip: a machine without the browser would otherwise pass without testing the pages.
    if not CHROMIUM.exists():
        pytest.fail(
            "the browser tests need Debian's chromium at /usr/bin/chromium: run scripts/install-chromium.sh "
            "(apt-get install -y chromium)",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


def start_order(stack: LiveStack, ident_method: IdentMethod, locale: str = "de", unit_price: str = "899.00") -> dict:
    body = make_order(ident_method=ident_method, unit_price=unit_price).model_dump(mode="json", exclude={"policy"})
    body["customer"]["locale"] = locale
    response = httpx.post(f"{stack.base_url}/orders", json=body, headers=STOREFRONT, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


async def test_ident_page_uploads_three_photos_and_shows_the_verdict(
    browser, dev_server_env, engine, settings, tmp_path
):
    files = {"front": tmp_path / "front.jpg", "back": tmp_path / "back.jpg", "portrait": tmp_path / "me.png"}
    for field, path in files.items():
        path.write_bytes(PNG if field == "portrait" else JPEG)
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        assert stack.harness is not None
        stack.harness.fakes.verdicts.append(PhotoVerdict.PASSED)
        created = start_order(stack, IdentMethod.ONLINE, unit_price="99.00")  # below the threshold: no camera check
        page = await browser.new_page(**PHONE, locale="de-DE")
        page.set_default_timeout(20_000)

        await page.goto(created["ident_url"])
        await shoot(page, "ident")
        for field, path in files.items():
            await page.set_input_files(f"input[name={field}]", str(path))
        await page.click("#send")

        verdict = page.locator("#verdict-text")
        await verdict.wait_for()
        assert await verdict.get_attribute("data-verdict") == "passed"
        assert "Sie sind identifiziert" in await page.locator("#verdict").inner_text()
        await shoot(page, "ident-verdict")
        tracking = await page.locator("#verdict a.button").get_attribute("href")
        assert tracking and tracking.startswith(f"{stack.base_url}/track/{created['order_id']}.track.")
        # It fits a phone: nothing wider than the screen.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.close()


async def test_tracking_page_shows_the_delivery_code(browser, time_skipping_env, engine, settings):
    env = time_skipping_env
    with LiveStack(env.client.service_client.config.target_host, engine, settings) as stack:
        assert stack.harness is not None
        created = start_order(stack, IdentMethod.NONE, locale="en")
        handle = env.client.get_workflow_handle(workflow_id_for(created["order_id"]))
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        await env.sleep(status.next_delivery_day - await env.get_current_time() + timedelta(minutes=1))
        await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
        code = stack.harness.code(created["order_id"], 1)
        # The browser prefers German; the order was placed in English, and the order decides.
        page = await browser.new_page(**PHONE, locale="de-DE")

        await page.goto(created["tracking_url"])

        assert await page.locator("html").get_attribute("lang") == "en"
        assert await page.locator("#delivery-code").inner_text() == code
        assert await page.locator("#stage").inner_text() == "Out for delivery"
        assert "Anyone at your address" in await page.locator("#who-may-accept").inner_text()
        await shoot(page, "tracking-en")
        await page.close()
