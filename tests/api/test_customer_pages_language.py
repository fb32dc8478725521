"""The customer pages speak the order's language, whatever the browser prefers; `?lang=` overrides,
and a language we do not speak falls back to German."""

from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.workflows.harness import make_order

ENGLISH_BROWSER = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"}
GERMAN_BROWSER = {"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"}


async def order_in(api, locale: str, ident_method: IdentMethod = IdentMethod.ONLINE) -> str:
    order = make_order(ident_method=ident_method)
    order = order.model_copy(update={"customer": order.customer.model_copy(update={"locale": locale})})
    await api.h.start_at_stage(order, Stage.AWAITING_IDENT if ident_method == IdentMethod.ONLINE else Stage.DISPATCHED)
    return order.order_id


async def test_an_english_order_gets_english_pages_in_a_german_browser(skipping_api):
    api = skipping_api
    order_id = await order_in(api, "en")

    ident = await api.http.get(api.ident_path(order_id), headers=GERMAN_BROWSER)
    tracking = await api.http.get(api.track_path(order_id), headers=GERMAN_BROWSER)

    assert '<html lang="en">' in ident.text and "Verify your identity online" in ident.text
    assert '<html lang="en">' in tracking.text and "Waiting for your identification" in tracking.text
    # The next step is offered in place: the photo form, the video call, the doorstep check.
    assert 'id="photos"' in ident.text and 'id="video-call"' in ident.text and 'id="choose-doorstep"' in ident.text
    assert "/ident/" in tracking.text  # the tracking page leads to the open identification


async def test_a_german_order_stays_german_and_lang_overrides(skipping_api):
    api = skipping_api
    order_id = await order_in(api, "de")

    german = await api.http.get(api.track_path(order_id), headers=ENGLISH_BROWSER)
    asked = await api.http.get(f"{api.track_path(order_id)}?lang=en", headers=GERMAN_BROWSER)

    assert '<html lang="de">' in german.text and "Ihre Sendung" in german.text
    assert '<html lang="en">' in asked.text and "Your parcel" in asked.text


async def test_a_language_we_do_not_speak_falls_back_to_german(skipping_api):
    api = skipping_api
    order_id = await order_in(api, "fr", ident_method=IdentMethod.NONE)

    page = await api.http.get(api.track_path(order_id), headers=ENGLISH_BROWSER)

    assert '<html lang="de">' in page.text and "Versendet" in page.text
