"""The agents' and couriers' pages over plain HTTP: sign-in and sign-out, the session cookie, CSRF,
and who may see a customer's ID images (dev server: the agent queue needs visibility)."""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import anyio
import httpx
from sqlmodel import Session

from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import RequestVideoIdent
from orderflow.contract.photo_ident import PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.store.ident import VideoSession
from tests.api.photos import JPEG, PNG, three
from tests.api.stack import AGENT_7, AGENT_TOKENS, COURIER_TOKEN
from tests.workflows.harness import make_order, wait_for_stage

PAGE = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.8"}


@asynccontextmanager
async def browser_like(api) -> AsyncIterator[httpx.AsyncClient]:
    """A client with its own cookie jar, like one person's browser."""
    transport = httpx.ASGITransport(app=api.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=PAGE) as client:
        yield client


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, audience: str, token: str) -> httpx.Response:
    form = await client.get(f"/{audience}")
    return await client.post(f"/{audience}/sign-in", data={"token": token, "nonce": hidden(form.text, "nonce")})


async def signed_in(client: httpx.AsyncClient, audience: str, token: str) -> str:
    """Signs in; returns the CSRF token of the forms."""
    answer = await sign_in(client, audience, token)
    assert answer.status_code == 303, answer.text
    page = await client.get(f"/{audience}")
    return hidden(page.text, "csrf")


async def test_sign_in_sets_a_signed_cookie_and_sign_out_ends_it(api):
    async with browser_like(api) as browser:
        form = await browser.get("/agent")
        assert form.status_code == 200 and 'id="sign-in"' in form.text
        wrong = await sign_in(browser, "agent", "not-a-token")
        assert wrong.status_code == 401 and "not valid" in wrong.text
        courier_token = await sign_in(browser, "agent", COURIER_TOKEN)
        assert courier_token.status_code == 401  # a courier's token does not open the agent console

        answer = await sign_in(browser, "agent", AGENT_TOKENS["agent-7"])

        assert (answer.status_code, answer.headers["location"]) == (303, "/agent")
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("orderflow_agent="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/agent" in cookie
        assert "Max-Age=" in cookie
        assert AGENT_TOKENS["agent-7"] not in cookie
        console = await browser.get("/agent")
        assert 'id="queue"' in console.text and "agent-7" in console.text
        assert console.headers["cache-control"] == "no-store"

        out = await browser.post("/agent/sign-out", data={"csrf": hidden(console.text, "csrf")})

        assert out.status_code == 200 and 'id="sign-in"' in out.text
        assert 'id="queue"' not in (await browser.get("/agent")).text
        assert (await browser.get("/agent/queue")).status_code == 401


async def test_sign_in_needs_the_form_the_page_gave(api):
    async with browser_like(api) as browser:
        await browser.get("/agent")
        # A form posted from elsewhere has no (or another) nonce: refused, nobody is signed in.
        forged = await browser.post("/agent/sign-in", data={"token": AGENT_TOKENS["agent-7"], "nonce": "guess"})

        assert forged.status_code == 403 and "orderflow_agent=" not in forged.headers.get("set-cookie", "")
        assert 'id="queue"' not in (await browser.get("/agent")).text


async def test_a_tampered_or_foreign_cookie_signs_nobody_in(api):
    async with browser_like(api) as browser:
        await signed_in(browser, "courier", COURIER_TOKEN)
        value = browser.cookies.get("orderflow_courier", path="/courier")
        assert value
        # The courier's session is no agent session, even under the agent's cookie name.
        browser.cookies.set("orderflow_agent", value, domain="testserver.local", path="/agent")
        assert 'id="queue"' not in (await browser.get("/agent")).text
        browser.cookies.delete("orderflow_agent")
        browser.cookies.set("orderflow_courier", value[:-2] + "xx", domain="testserver.local", path="/courier")
        assert 'id="find"' not in (await browser.get("/courier")).text


async def waiting_review(api) -> tuple[str, str]:
    """An order whose photos need a human: the customer uploads them, the check asks for a video call."""
    api.h.fakes.verdicts.append(PhotoVerdict.NEEDS_REVIEW)
    order = make_order()
    handle = await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    uploaded = await api.http.post(f"{api.ident_path(order.order_id)}/photos", files=three(front=JPEG, portrait=PNG))
    assert uploaded.status_code == 200, uploaded.text
    status = await wait_for_stage(handle, Stage.AWAITING_VIDEO_AGENT)
    assert status.video_session is not None
    return order.order_id, status.video_session.session_id


async def test_images_only_for_the_agent_who_claimed_never_cached(api):
    order_id, session_id = await waiting_review(api)
    async with browser_like(api) as seven, browser_like(api) as eight:
        csrf7 = await signed_in(seven, "agent", AGENT_TOKENS["agent-7"])
        csrf8 = await signed_in(eight, "agent", AGENT_TOKENS["agent-8"])
        for _ in range(100):  # visibility follows the workflow by a moment
            if session_id in (await seven.get("/agent/queue")).text:
                break
            await asyncio.sleep(0.1)
        stale_form = await seven.post(f"/agent/sessions/{session_id}/claim", data={"csrf": csrf8})
        assert stale_form.status_code == 403  # another session's CSRF token
        assert (await seven.post(f"/agent/sessions/{session_id}/claim", data={})).status_code == 403

        claimed = await seven.post(f"/agent/sessions/{session_id}/claim", data={"csrf": csrf7})

        assert (claimed.status_code, claimed.headers["location"]) == (303, f"/agent/sessions/{session_id}")
        page = await seven.get(f"/agent/sessions/{session_id}")
        assert page.status_code == 200
        assert "Erika Mustermann" in page.text and "1964-08-12" in page.text
        assert "BACK_GLARE" in page.text  # the automatic check's reason codes
        images = re.findall(rf'src="(/agent/sessions/{session_id}/images/[a-f0-9]{{32}}\.(?:jpg|png))"', page.text)
        assert len(images) == 3

        shown = await seven.get(images[0])

        assert shown.status_code == 200 and shown.content in (JPEG, PNG)
        assert shown.headers["cache-control"] == "no-store"
        assert shown.headers["content-type"] in ("image/jpeg", "image/png")
        assert (await eight.get(images[0])).status_code == 403
        assert (await eight.get(f"/agent/sessions/{session_id}")).status_code == 403
        async with browser_like(api) as stranger:
            assert (await stranger.get(images[0])).status_code == 401
        assert (await seven.get(f"/agent/sessions/{session_id}/images/..%2F..%2Fetc.jpg")).status_code == 404

        foreign = await eight.post(
            f"/agent/sessions/{session_id}/verdict", data={"csrf": csrf8, "decision": "approved"}
        )
        assert foreign.status_code == 403 and "Another agent" in foreign.text
        unticked = await seven.post(
            f"/agent/sessions/{session_id}/verdict", data={"csrf": csrf7, "decision": "approved"}
        )
        assert unticked.status_code == 422 and "tick all four" in unticked.text
        uncoded = await seven.post(
            f"/agent/sessions/{session_id}/verdict", data={"csrf": csrf7, "decision": "rejected"}
        )
        assert uncoded.status_code == 422

        rejected = await seven.post(
            f"/agent/sessions/{session_id}/verdict",
            data={"csrf": csrf7, "decision": "rejected", "reason_code": "face_mismatch", "note": "beard differs"},
        )

        assert rejected.status_code == 200, rejected.text
        assert 'data-verdict="rejected"' in rejected.text and "Face does not match" in rejected.text
        # Decided: the images are deleted and in any case no longer shown.
        assert (await seven.get(images[0])).status_code == 404
        ticked = dict.fromkeys(("document_genuine", "photo_matches", "data_matches", "consent"), "on")
        again = await seven.post(
            f"/agent/sessions/{session_id}/verdict", data={"csrf": csrf7, "decision": "approved", **ticked}
        )
        assert again.status_code == 409 and "rejected already" in again.text
        assert 'id="call-over"' in (await seven.get(f"/agent/sessions/{session_id}")).text


async def test_a_verdict_after_the_call_expired_is_refused_with_the_reason(skipping_api, time_skipping_env):
    api = skipping_api
    order = make_order()
    handle = await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    session = await handle.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
    for _ in range(100):  # the store's record of the session names its order (written in the background)
        if await anyio.to_thread.run_sync(_recorded, api.h.engine, session.session_id):
            break
        await asyncio.sleep(0.05)
    async with browser_like(api) as seven:
        csrf = await signed_in(seven, "agent", AGENT_TOKENS["agent-7"])
        claimed = await seven.post(f"/agent/sessions/{session.session_id}/claim", data={"csrf": csrf})
        assert claimed.status_code == 303, claimed.text
        await time_skipping_env.sleep(api.settings.video_session_max + timedelta(minutes=1))
        for _ in range(100):
            status = await handle.query(OrderWorkflowContract.status)
            if status.video_session.state == "expired":
                break
            await asyncio.sleep(0.05)
        ticked = dict.fromkeys(("document_genuine", "photo_matches", "data_matches", "consent"), "on")

        late = await seven.post(
            f"/agent/sessions/{session.session_id}/verdict", data={"csrf": csrf, "decision": "approved", **ticked}
        )
        late_json = await api.http.post(
            f"/agent/video-sessions/{session.session_id}/result", json={"verdict": "approved"}, headers=AGENT_7
        )

        assert late.status_code == 409 and "expired" in late.text
        assert (late_json.status_code, late_json.json()["code"]) == (409, "session_expired")
        assert (await handle.query(OrderWorkflowContract.status)).ident_outcome != "video_approved"


def _recorded(engine, session_id: str) -> bool:
    with Session(engine) as session:
        return session.get(VideoSession, session_id) is not None
