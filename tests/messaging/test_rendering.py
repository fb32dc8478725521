"""Every event renders in German and English: subject pattern, salutation, numbers, next step, escaping."""

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError

from activities.messaging.mail import OutgoingMail
from orderflow.contract.messages import Event, MessageRequest
from orderflow.settings import Settings
from tests.messaging.conftest import composer, customer, new_order_id, request, seal_delivery_code

LONG_FIRST = "Anna-Lena Maximiliane Sophie Theresia " * 5
LONG_LAST = "Großherzogin von Österreich-Ungarn zu Schleswig-Holstein " * 3
SUBJECT_PREFIX = {"de": "Ihre Bestellung", "en": "Your order"}
GREETING = {"de": "Guten Tag", "en": "Dear"}

# Everything the workflow may put into a context, so every branch has something to show.
FULL_CONTEXT = {
    "ident_method": "online",
    "ident_deadline": "2026-11-21T10:00:00Z",
    "high_value": True,
    "reasons": ["BACK_GLARE", "FACE_MISMATCH", "MRZ_CHECK_DIGIT"],
    "tries_left": 2,
    "next_actions": ["retake_photos", "video_call", "doorstep"],
    "session_id": "vs-1",
    "verdict": "approved",
    "why": "deadline",
    "delivery_mode": "anyone_at_address",
    "first_delivery_day": "2026-11-23T07:00:00Z",
    "attempt": 1,
    "valid_until": "2026-11-23T23:00:00Z",
    "next_attempt_on": "2026-11-24T07:00:00Z",
    "attempts_left": 2,
    "reason": "not_home",
}
CODE = "480215"


def compose(engine: Engine, settings: Settings, req: MessageRequest) -> OutgoingMail:
    return composer(engine, settings).compose(req)


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("event", list(Event))
def test_every_event_renders_with_umlauts_and_long_names(
    sqlite_engine: Engine, outbox_settings: Settings, event: Event, locale: str
) -> None:
    order_id = new_order_id()
    seal_delivery_code(sqlite_engine, outbox_settings, order_id, attempt=1, code=CODE)
    who = customer(locale, first_name=LONG_FIRST.strip(), last_name=LONG_LAST.strip())
    mail = compose(sqlite_engine, outbox_settings, request(event, order_id, FULL_CONTEXT, who))

    assert mail.subject.startswith(f"{SUBJECT_PREFIX[locale]} {order_id}: ")
    assert "\n" not in mail.subject and CODE not in mail.subject
    full_name = f"{LONG_FIRST.strip()} {LONG_LAST.strip()}"
    assert mail.to_name == full_name
    for body in (mail.text_body, html.unescape(mail.html_body)):
        assert f"{GREETING[locale]} {full_name}," in body
        assert "K-555001" in body and order_id in body
        # The next step is a link to our own pages, never "call us".
        assert re.search(r"https://shop\.example/(ident|track)/" + re.escape(order_id), body)
        assert not re.search(r"rufen Sie uns an|call us|Hotline", body, re.IGNORECASE)
    # Umlauts and ß arrive as they are, in both parts (UTF-8, no entities needed).
    assert "Großherzogin von Österreich-Ungarn" in mail.text_body and "Österreich-Ungarn" in mail.html_body
    assert mail.html_body.startswith("<!DOCTYPE html>") and "</html>" in mail.html_body
    assert "<" not in mail.text_body.replace("<<<", "")  # plain text has no markup
    assert (CODE in mail.text_body) == (event == Event.DELIVERY_CODE)


@pytest.mark.parametrize("event", [e for e in Event if e != Event.DELIVERY_CODE])
def test_every_event_renders_without_any_context(
    sqlite_engine: Engine, outbox_settings: Settings, event: Event
) -> None:
    mail = compose(sqlite_engine, outbox_settings, request(event, context={}))
    assert "Guten Tag Jürgen Müller-Lüdenscheidt," in mail.text_body
    assert "None" not in mail.text_body and "None" not in mail.html_body


def test_customer_supplied_text_is_escaped_in_html_only(sqlite_engine: Engine, outbox_settings: Settings) -> None:
    who = customer(first_name='<script>alert("x")</script>', last_name="Smith & Söhne <b>")
    # A reason that is no known code (free text can't get here from the workflow): fixed wording, never the text.
    context = {"attempt": 2, "reason": "Hund <img src=x onerror=alert(1)> im Garten", "next_attempt_on": None}
    mail = compose(sqlite_engine, outbox_settings, request(Event.ATTEMPT_FAILED, context=context, who=who))

    assert "<script>" not in mail.html_body and "<img" not in mail.html_body and "<b>" not in mail.html_body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Smith &amp; Söhne &lt;b&gt;," in mail.html_body
    assert "Hund" not in mail.html_body and "Hund" not in mail.text_body
    # The plain-text part shows the same text as typed: escaping it would be a bug of its own.
    assert 'Guten Tag <script>alert("x")</script> Smith & Söhne <b>,' in mail.text_body
    assert "Das Paket konnte diesmal nicht übergeben werden." in mail.text_body
    assert "Einen weiteren Zustellversuch gibt es nicht" in mail.text_body


def test_order_received_links_online_ident_with_the_local_deadline(
    sqlite_engine: Engine, outbox_settings: Settings
) -> None:
    context = {"ident_method": "online", "ident_deadline": "2026-07-04T09:30:00Z"}
    german = compose(sqlite_engine, outbox_settings, request(Event.ORDER_RECEIVED, context=context))
    english = compose(
        sqlite_engine, outbox_settings, request(Event.ORDER_RECEIVED, context=context, who=customer("en"))
    )

    assert "Bitte bis Samstag, 04.07.2026, 11:30 Uhr." in german.text_body  # CEST, summer time
    assert "Saturday, 4 July 2026, 11:30 CEST" in english.text_body
    assert (
        f"Ihr nächster Schritt: Jetzt online identifizieren\nhttps://shop.example/ident/{german.order_id}."
        in german.text_body
    )


def test_photo_ident_failed_explains_reasons_and_offers_every_next_action(
    sqlite_engine: Engine, outbox_settings: Settings
) -> None:
    context = {
        "reasons": ["BACK_GLARE", "FACE_MISMATCH"],
        "tries_left": 1,
        "next_actions": ["retake_photos", "video_call", "doorstep"],
    }
    mail = compose(sqlite_engine, outbox_settings, request(Event.PHOTO_IDENT_FAILED, context=context))

    assert "- Ausweisrückseite: Auf dem Foto spiegelt das Licht." in mail.text_body
    assert "Ihr Porträtfoto passt nicht eindeutig zum Foto im Ausweis" in mail.text_body
    assert "Sie haben noch 1 Versuch." in mail.text_body
    for label, anchor in [
        ("Fotos neu aufnehmen", "#photos"),
        ("Per Videoanruf identifizieren", "#video"),
        ("Ausweisprüfung an der Haustür wählen", "#doorstep"),
    ]:
        assert re.search(rf"- {label}: https://shop\.example/ident/\S+{anchor}\n", mail.text_body)
        assert re.search(rf'<a href="https://shop\.example/ident/[^"]+{anchor}">{label}</a>', mail.html_body)


def test_doorstep_notice_says_who_must_be_present_and_which_documents(
    sqlite_engine: Engine, outbox_settings: Settings
) -> None:
    mail = compose(sqlite_engine, outbox_settings, request(Event.DOORSTEP_FALLBACK, context={"why": "tries_used"}))
    assert (
        "Wer muss da sein? Nur Sie persönlich (Jürgen Müller-Lüdenscheidt) können das Paket annehmen." in mail.text_body
    )
    assert (
        "Welche Dokumente? Bitte halten Sie Ihren gültigen Personalausweis oder Reisepass im Original bereit."
        in mail.text_body
    )


@pytest.mark.parametrize(
    ("locale", "validity", "pass_on", "phone"),
    [
        (
            "de",
            "Gültig bis heute, 23:59 Uhr.",
            "an eine Person Ihres Vertrauens weitergeben",
            "Lesen Sie den Code niemals am Telefon vor",
        ),
        (
            "en",
            "Valid until 23:59 CET today.",
            "pass the code on to someone you trust",
            "Never read the code out on the phone",
        ),
    ],
)
def test_delivery_code_message_carries_the_code_its_validity_and_the_warnings(
    sqlite_engine: Engine, outbox_settings: Settings, locale: str, validity: str, pass_on: str, phone: str
) -> None:
    order_id = new_order_id()
    seal_delivery_code(sqlite_engine, outbox_settings, order_id, attempt=2, code=CODE)
    # Delivery day Monday 23.11.2026 in Berlin: the code dies at midnight, local time.
    context = {"attempt": 2, "valid_until": "2026-11-23T23:00:00Z", "delivery_mode": "anyone_at_address"}
    morning = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    req = request(Event.DELIVERY_CODE, order_id, context, customer(locale), n=2, occurred_at=morning)
    mail = compose(sqlite_engine, outbox_settings, req)

    assert f"\n    {CODE}\n" in mail.text_body and f">{CODE}</p>" in mail.html_body
    for body in (mail.text_body, mail.html_body):
        assert validity in body.replace("<strong>", "").replace("</strong>", "")
        assert pass_on in body and phone in body.replace("<strong>", "").replace("</strong>", "")
    # The copy we keep on record has the code blanked out.
    assert all(CODE not in body and "••••••" in body for body in mail.redacted_bodies)


def test_delivery_code_message_without_a_live_code_is_refused_for_good(
    sqlite_engine: Engine, outbox_settings: Settings
) -> None:
    req = request(Event.DELIVERY_CODE, context={"attempt": 1, "valid_until": "2026-11-23T23:00:00Z"})
    with pytest.raises(ApplicationError) as refused:
        compose(sqlite_engine, outbox_settings, req)
    assert refused.value.type == "DeliveryCodeUnavailable" and refused.value.non_retryable


def test_our_outage_blames_no_one_and_offers_the_next_step(sqlite_engine: Engine, outbox_settings: Settings) -> None:
    context = {"next_actions": ["retake_photos", "video_call", "doorstep"]}
    mail = compose(sqlite_engine, outbox_settings, request(Event.PHOTO_CHECK_UNAVAILABLE, context=context))

    assert "Das liegt an uns, nicht an Ihren Fotos." in mail.text_body
    assert "scharf" not in mail.text_body  # no advice to take sharper photos
    assert "/ident/" in mail.text_body


def test_a_video_rejection_is_explained_by_its_code_only(sqlite_engine: Engine, outbox_settings: Settings) -> None:
    context = {"verdict": "rejected", "reason_code": "document_expired", "reason": "agent's private remark"}
    mail = compose(sqlite_engine, outbox_settings, request(Event.VIDEO_IDENT_RESULT, context=context))

    assert "Der gezeigte Ausweis ist abgelaufen." in mail.text_body
    assert "private remark" not in mail.text_body and "private remark" not in mail.html_body
