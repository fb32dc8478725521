"""The app as a whole: health, the dev outbox, OpenAPI, secrets, logs."""

import logging

import pytest
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from api.auth import DevSecretsOutsideDev, identify
from api.main import create_app
from api.redaction import RedactLinkTokens
from orderflow.settings import Settings
from orderflow.store.outbox import SentMessage
from orderflow.temporal import data_converter
from tests.api.stack import STOREFRONT, api_settings
from tests.conftest import BIN


async def test_healthz_and_readyz(api):
    assert (await api.http.get("/healthz")).json() == {"status": "ok"}

    ready = await api.http.get("/readyz")

    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "temporal": "ok", "database": "ok"}


async def test_readyz_is_503_when_the_database_is_away(api, tmp_path):
    api.app.state.engine.dispose()
    from orderflow.store.engine import make_engine

    api.app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")

    ready = await api.http.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["database"].startswith("unreachable") and ready.json()["temporal"] == "ok"


async def test_dev_outbox_lists_captured_messages(api, engine):
    from datetime import UTC, datetime

    with Session(engine) as session:
        session.add(
            SentMessage(
                key="OUTBOX-1:order_received:0",
                order_id="OUTBOX-1",
                event="order_received",
                to_email="erika@example.org",
                subject="Ihre Bestellung OUTBOX-1",
                text_body="Guten Tag",
                html_body="<p>Guten Tag</p>",
                status="captured",
                created_at=datetime.now(UTC),
            )
        )
        session.commit()

    response = await api.http.get("/dev/outbox", params={"order_id": "OUTBOX-1"})

    assert response.status_code == 200
    [message] = response.json()
    assert message["subject"] == "Ihre Bestellung OUTBOX-1" and message["status"] == "captured"
    assert (await api.http.get("/dev/outbox", params={"limit": 0})).status_code == 422


def test_production_has_no_dev_outbox_and_refuses_default_secrets(settings, tmp_path):
    production = api_settings(settings, "orders").model_copy(update={"env": "production", "data_key": "x" * 44})
    app = create_app(production)
    assert "/dev/outbox" not in app.openapi()["paths"]

    with pytest.raises(DevSecretsOutsideDev, match="ORDERFLOW_LINK_SECRET"):
        create_app(settings.model_copy(update={"env": "test"}))
    # A developer's own stack may use them.
    create_app(settings.model_copy(update={"env": "dev"}))
    with pytest.raises(ValueError, match="production refuses"):
        Settings(env="production", data_dir=tmp_path)


def test_openapi_documents_every_endpoint(settings):
    app = create_app(api_settings(settings, "orders"))
    spec = app.openapi()
    paths = spec["paths"]
    expected = {
        ("post", "/orders"),
        ("get", "/orders/{order_id}"),
        ("post", "/orders/{order_id}/cancel"),
        ("get", "/ident/{token}"),
        ("post", "/ident/{token}/photos"),
        ("post", "/ident/{token}/video"),
        ("post", "/ident/{token}/doorstep"),
        ("get", "/track/{token}"),
        ("get", "/agent/video-sessions"),
        ("post", "/agent/video-sessions/{session_id}/claim"),
        ("post", "/agent/video-sessions/{session_id}/result"),
        ("get", "/courier/deliveries/{order_id}"),
        ("post", "/courier/deliveries/{order_id}/handover"),
        ("post", "/courier/deliveries/{order_id}/failed-attempt"),
        ("get", "/dev/outbox"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    }
    # Other audiences (operators) add their own routes beside these.
    assert expected <= {(method, path) for path, item in paths.items() for method in item}
    for method, path in expected:
        assert paths[path][method].get("description"), f"{method} {path} has no docstring"
    photos = paths["/ident/{token}/photos"]["post"]
    assert set(photos["requestBody"]["content"]["multipart/form-data"]["schema"]["required"]) == {
        "front",
        "back",
        "portrait",
    }
    assert "policy" not in spec["components"]["schemas"]["NewOrder"]["properties"]
    assert {"storefront", "agent", "courier"} <= set(spec["components"]["securitySchemes"])


async def test_docs_are_served(api):
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert (await api.http.get("/openapi.json")).status_code == 200


async def test_unknown_paths_and_methods_answer_in_the_error_shape(api):
    missing = await api.http.get("/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong_method = await api.http.delete("/orders")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"


def test_tokens_are_compared_without_shortcuts():
    tokens = {"secret-one": "agent-1", "secret-two": "agent-2"}
    assert identify("secret-two", tokens) == "agent-2"
    assert identify("secret-tw", tokens) is None
    assert identify("", tokens) is None
    assert identify("ü", tokens) is None


def test_link_tokens_never_reach_the_access_log(caplog):
    logger = logging.getLogger("uvicorn.access.test")
    logger.addFilter(RedactLinkTokens())
    with caplog.at_level(logging.INFO, logger="uvicorn.access.test"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/track/A-1.track.123.c2ln?lang=en", "1.1", 200)
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", "/ident/A-1.ident.1.sig/photos", "1.1", 200)

    assert "c2ln" not in caplog.text and ".sig" not in caplog.text
    assert "/track/[link]?lang=en" in caplog.text and "/ident/[link]/photos" in caplog.text


async def test_temporal_down_is_503_not_500(api, settings):
    # A client whose server went away: the API says "try again", in the same error shape.
    gone = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=data_converter(settings)
    )
    await gone.shutdown()
    working = api.app.state.temporal
    api.app.state.temporal = gone.client
    try:
        response = await api.http.get("/orders/A-1", headers=STOREFRONT)
    finally:
        api.app.state.temporal = working

    assert response.status_code == 503
    assert response.json()["code"] == "temporal_unavailable"
