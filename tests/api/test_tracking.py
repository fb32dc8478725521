"""Customer tracking link: stage, who may accept, attempt, and the live delivery code."""

from datetime import UTC, datetime, timedelta

from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from orderflow.links import LinkPurpose, sign
from tests.api.stack import COURIER
from tests.api.test_courier import out_for_delivery
from tests.workflows.harness import make_order


async def test_tracking_page_shows_the_live_code(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, _ = await out_for_delivery(api, time_skipping_env)
    code = api.h.code(order_id, 1)

    page = await api.http.get(api.track_path(order_id) + "?lang=en")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert f'id="delivery-code">{code}<' in page.text
    assert "Out for delivery" in page.text and "Anyone at your address" in page.text
    assert "1 of 3" in page.text


async def test_code_of_a_failed_attempt_is_gone_and_the_next_one_shows(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, _ = await out_for_delivery(api, time_skipping_env, attempt=2)
    first, second = api.h.code(order_id, 1), api.h.code(order_id, 2)

    page = (await api.http.get(api.track_path(order_id) + "?lang=en")).text

    assert second in page and first not in page
    assert "2 of 3" in page


async def test_locked_attempt_is_explained(skipping_api, time_skipping_env):
    api = skipping_api
    order_id, _ = await out_for_delivery(api, time_skipping_env)
    wrong = f"{(int(api.h.code(order_id, 1)) + 1) % 1_000_000:06d}"
    for _ in range(5):
        await api.http.post(
            f"/courier/deliveries/{order_id}/handover", json={"attempt": 1, "code": wrong}, headers=COURIER
        )

    page = (await api.http.get(api.track_path(order_id) + "?lang=en")).text

    assert 'id="code-locked"' in page and "new code" in page
    assert 'id="delivery-code"' not in page


async def test_doorstep_order_says_who_may_accept(api):
    order = make_order(ident_method=IdentMethod.DOORSTEP, unit_price="99.00")
    await api.h.start_at_stage(order, Stage.DISPATCHED)

    page = await api.http.get(api.track_path(order.order_id))

    assert page.status_code == 200
    assert "Versendet" in page.text
    assert "Nur Sie persönlich" in page.text
    assert 'id="delivery-code"' not in page.text and 'id="code-soon"' not in page.text


async def test_order_waiting_for_ident_links_to_the_ident_page(api):
    order = make_order()
    await api.h.start_at_stage(order, Stage.AWAITING_IDENT)

    page = (await api.http.get(api.track_path(order.order_id) + "?lang=en")).text

    assert "Verify your identity online now" in page
    assert f'href="{api.settings.public_base_url}/ident/{order.order_id}.ident.' in page


async def test_bad_tracking_links(api):
    order = make_order()
    await api.h.start_at_stage(order, Stage.AWAITING_IDENT)
    expired = sign(api.settings, order.order_id, LinkPurpose.TRACK, now=datetime.now(UTC) - timedelta(days=31))

    assert (await api.http.get(f"/track/{expired}")).status_code == 410
    assert (await api.http.get(api.track_path(order.order_id) + "x")).status_code == 403
    assert (await api.http.get(api.ident_path(order.order_id).replace("/ident/", "/track/"))).status_code == 403
    assert (await api.http.get(api.track_path("NO-SUCH-ORDER"))).status_code == 404
    assert (await api.http.get("/track/" + "a" * 301)).status_code == 422
