"""The agent console and the courier page in a real browser (Debian's headless Chromium), with
screenshots at phone and desktop width under test-artifacts/screenshots/."""

from datetime import timedelta
from pathlib import Path

import cv2
import httpx
import numpy as np
from playwright.async_api import Browser, BrowserContext, Page

from orderflow.contract.order import IdentMethod, workflow_id_for
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from tests.api.screenshots import DESKTOP, PHONE, shoot
from tests.api.stack import AGENT_TOKENS, COURIER_TOKEN, LiveStack
from tests.api.test_pages_in_chromium import browser, chromium, start_order  # noqa: F401 (fixtures)
from tests.workflows.harness import wait_for_stage

FACE = Path(__file__).resolve().parents[1] / "fixtures" / "faces" / "obama_2.jpg"


def _card(face: bool, lines: list[str]) -> bytes:
    """A plain drawn ID card side (the photo check is scripted here: the agent's eyes are what it is for)."""
    card = np.full((540, 856, 3), (226, 232, 236), dtype=np.uint8)
    cv2.rectangle(card, (0, 0), (855, 70), (120, 80, 30), thickness=-1)
    cv2.putText(card, "IDENTITY CARD", (24, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (255, 255, 255), 2)
    if face:
        portrait = cv2.imread(str(FACE))
        card[100:420, 30:230] = cv2.resize(portrait[260:740, 120:420], (200, 320))
    for number, line in enumerate(lines):
        cv2.putText(
            card, line, (260 if face else 30, 140 + 60 * number), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 30, 25), 2
        )
    ok, encoded = cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return encoded.tobytes()


def id_photos() -> dict[str, tuple[str, bytes, str]]:
    """Real pictures for the agent to look at: an ID card, front and back, and a real face."""
    return {
        "front": ("front.jpg", _card(True, ["MUSTERMANN", "ERIKA", "12.08.1964", "valid to 31.10.2031"]), "image/jpeg"),
        "back": (
            "back.jpg",
            _card(False, ["51147 KOELN, HEIDESTR. 17", "IDD<<T220001293<<<<<<<<<<<<<<"]),
            "image/jpeg",
        ),
        "portrait": ("me.jpg", FACE.read_bytes(), "image/jpeg"),
    }


async def signed_in_page(chromium_browser: Browser, stack: LiveStack, audience: str, token: str, **device) -> Page:
    context: BrowserContext = await chromium_browser.new_context(**device, locale="en-GB")
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto(f"{stack.base_url}/{audience}")
    await shoot(page, f"{audience}-sign-in")
    await page.fill("input[name=token]", token)
    await page.click("#sign-in-button")
    await page.wait_for_selector("#signed-in-as")
    return page


async def test_agent_claims_reviews_and_approves_a_waiting_call(browser, dev_server_env, engine, settings):  # noqa: F811
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        assert stack.harness is not None
        stack.harness.fakes.verdicts.append(PhotoVerdict.NEEDS_REVIEW)
        agent = await signed_in_page(browser, stack, "agent", AGENT_TOKENS["agent-7"], **DESKTOP)
        other = await signed_in_page(browser, stack, "agent", AGENT_TOKENS["agent-8"], **PHONE)
        await shoot(other, "agent-queue-empty")

        # The call arrives while the console is open: the poll brings it in.
        created = start_order(stack, IdentMethod.ONLINE)
        ident_path = created["ident_url"].removeprefix(stack.base_url)
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as customer:
            upload = await customer.post(f"{ident_path}/photos", files=id_photos())
        assert upload.status_code == 200 and upload.json()["verdict"] == "needs_review", upload.text
        row = agent.locator("#queue tbody tr", has_text=created["order_id"])
        await row.wait_for()
        await other.locator("#queue tbody tr", has_text=created["order_id"]).wait_for()
        assert await row.locator(".waited").inner_text() != ""
        assert ":" in await row.locator(".deadline").inner_text()
        await shoot(agent, "agent-queue")
        await shoot(other, "agent-queue")

        await row.locator("button.claim").click()

        await agent.wait_for_selector("#customer-name")
        assert await agent.locator("#customer-name").inner_text() == "Erika Mustermann"
        assert await agent.locator("#customer-dob").inner_text() == "1964-08-12"
        assert "BACK_GLARE" in await agent.locator(".reason-codes").inner_text()
        images = agent.locator("img.id-image")
        assert await images.count() == 3
        widths = await images.evaluate_all("images => images.map(image => image.complete && image.naturalWidth)")
        assert all(width and width > 100 for width in widths), widths
        await shoot(agent, "agent-session")

        # The other agent sees neither the call's page nor its images.
        session_url = agent.url
        refused = await other.goto(session_url)
        assert refused is not None and refused.status == 403
        assert "Another agent claimed this call" in await other.locator("#message").inner_text()
        image_url = await images.first.get_attribute("src")
        assert (await other.goto(f"{stack.base_url}{image_url}")).status == 403
        await other.goto(f"{stack.base_url}/agent")
        assert await other.locator(f"#queue tbody tr[data-session='{session_url.rsplit('/', 1)[1]}']").count() == 0

        for point in ("document_genuine", "photo_matches", "data_matches", "consent"):
            await agent.check(f"#check-{point}")
        await agent.fill("#note", "document and face checked in the call")
        await agent.click("#approve")

        recorded = agent.locator("#recorded")
        await recorded.wait_for()
        assert await recorded.get_attribute("data-verdict") == "approved"
        assert "Approved. The order is now" in await recorded.inner_text()
        await shoot(agent, "agent-verdict")
        handle = dev_server_env.client.get_workflow_handle(workflow_id_for(created["order_id"]))
        status = await wait_for_stage(handle, Stage.DISPATCHED)  # the order moved on
        assert status.ident_outcome == "video_approved"
        await agent.context.close()
        await other.context.close()


async def test_courier_reports_a_failed_attempt_then_hands_over_with_the_code(
    browser,  # noqa: F811
    time_skipping_env,
    engine,
    settings,
):
    env = time_skipping_env
    with LiveStack(env.client.service_client.config.target_host, engine, settings) as stack:
        assert stack.harness is not None
        created = start_order(stack, IdentMethod.NONE)
        order_id = created["order_id"]
        handle = env.client.get_workflow_handle(workflow_id_for(order_id))
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        await env.sleep(status.next_delivery_day - await env.get_current_time() + timedelta(minutes=1))
        await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
        narrow = {**PHONE, "viewport": {"width": 360, "height": 780}}
        page = await signed_in_page(browser, stack, "courier", COURIER_TOKEN, **narrow)
        await shoot(page, "courier-lookup")

        await page.fill("#order-id", order_id)
        await page.click("#look-up")

        await page.wait_for_selector("#code-needed")
        assert await page.locator("#attempt").inner_text() == "1 of 3"
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # fits a small phone
        tap_heights = await page.locator("button").evaluate_all("buttons => buttons.map(b => b.offsetHeight)")
        assert min(tap_heights) >= 40, tap_heights  # thumb-sized targets
        await shoot(page, "courier-door")
        await page.check("#reason-not_home")
        await page.fill("#note", "rang twice")
        await page.click("#report-failure")
        await page.wait_for_selector("#outcome[data-outcome=failed_recorded]")
        status = await wait_for_stage(handle, Stage.DISPATCHED)
        assert status.attempt == 1
        await env.sleep(status.next_delivery_day - await env.get_current_time() + timedelta(minutes=1))
        await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
        await page.reload()
        assert await page.locator("#attempt").inner_text() == "2 of 3"
        right = stack.harness.code(order_id, 2)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        await page.fill("#code", wrong)
        await page.click("#hand-over")
        await page.wait_for_selector("#outcome[data-outcome=wrong_code]")
        assert "wrong code" in await page.locator("#outcome").inner_text()
        assert await page.locator("#tries-left").inner_text() == "Tries left: 4"
        await shoot(page, "courier-wrong-code")

        await page.fill("#code", right)
        await page.click("#hand-over")

        await page.wait_for_selector("#outcome[data-outcome=delivered]")
        assert await page.locator("#stage").get_attribute("data-stage") == "delivered"
        await wait_for_stage(handle, Stage.DELIVERED)
        await shoot(page, "courier-delivered")
        await page.context.close()
