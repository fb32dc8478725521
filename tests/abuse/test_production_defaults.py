"""Production is what a process gets unless it is told otherwise: without ORDERFLOW_ENV the API and
the workers refuse the development secrets, a missing SendGrid key and an unset link secret, name
the variables to set, and keep the operator surfaces (/metrics, /docs) behind an operator token."""

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from activities.messaging.outbox_delivery import OutboxDelivery
from orderflow.settings import Settings, get_settings
from orderflow.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[2]
OPERATOR_TOKEN = "operator-prod-token-5b8c1e0f9d"

# What an operator puts in .env: every secret of its own, and a SendGrid key.
PRODUCTION = {
    "ORDERFLOW_STOREFRONT_TOKEN": "storefront-prod-token-41f0c2a7",
    "ORDERFLOW_AGENT_TOKENS": "agent-1:agent-prod-token-8e21b9d4",
    "ORDERFLOW_COURIER_TOKENS": "courier-1:courier-prod-token-77ac03e1",
    "ORDERFLOW_OPERATOR_TOKENS": f"ops-1:{OPERATOR_TOKEN}",
    "ORDERFLOW_LINK_SECRET": "link-prod-secret-c93e5f2a1b",
    "ORDERFLOW_DATA_KEY": base64.b64encode(bytes(range(32))).decode(),
    "SENDGRID_API_KEY": "SG.prod-key-0f3a",
}
SECRET_NAMES = [name for name in PRODUCTION if name != "SENDGRID_API_KEY"]
# Everything that would steer a process, so a developer's shell cannot change the outcome.
STEERING_PREFIXES = ("ORDERFLOW_", "TEMPORAL_", "SENDGRID_")


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No ORDERFLOW_ENV, no secrets: what a container gets that someone forgot to configure."""
    for name in list(os.environ):
        if name.startswith(STEERING_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ORDERFLOW_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def production_env(bare_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in PRODUCTION.items():
        bare_env.setenv(name, value)
    return bare_env


def refusal() -> str:
    with pytest.raises(ValidationError) as refused:
        Settings()
    return str(refused.value)


def test_without_orderflow_env_the_settings_are_production_and_refuse_every_default(bare_env):
    message = refusal()

    assert "production" in message
    for name in [*SECRET_NAMES, "SENDGRID_API_KEY", "ORDERFLOW_MAIL_DRY_RUN=true"]:
        assert name in message


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_each_default_secret_is_named_on_its_own(production_env, name):
    production_env.delenv(name)

    message = refusal()

    assert name in message
    assert not any(other in message for other in SECRET_NAMES if other != name)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_unset_link_secret_is_refused(production_env, value):
    production_env.setenv("ORDERFLOW_LINK_SECRET", value)

    assert "ORDERFLOW_LINK_SECRET" in refusal()


def test_the_refusal_never_quotes_a_secret(production_env):
    production_env.delenv("ORDERFLOW_DATA_KEY")

    message = refusal()

    assert "ORDERFLOW_DATA_KEY" in message
    assert not any(value in message for value in PRODUCTION.values())


def test_no_sendgrid_key_is_refused_unless_mail_is_a_declared_dry_run(production_env, tmp_path):
    production_env.delenv("SENDGRID_API_KEY")
    message = refusal()
    assert "SENDGRID_API_KEY" in message and "ORDERFLOW_MAIL_DRY_RUN=true" in message

    production_env.setenv("ORDERFLOW_MAIL_DRY_RUN", "true")
    settings = Settings()

    assert settings.env == "production" and settings.mail_dry_run and settings.sendgrid_api_key is None


def test_a_dry_run_keeps_mail_in_the_outbox_even_with_a_key(production_env, tmp_path):
    from activities.messaging import MessagingActivities

    production_env.setenv("ORDERFLOW_MAIL_DRY_RUN", "true")
    engine = make_engine(f"sqlite:///{tmp_path / 'dry.db'}")

    activities = MessagingActivities.from_settings(Settings(), engine)

    assert isinstance(activities._delivery, OutboxDelivery)
    engine.dispose()


def test_dev_and_test_are_explicit_and_keep_their_defaults(bare_env):
    for env in ("dev", "test"):
        bare_env.setenv("ORDERFLOW_ENV", env)
        assert Settings().env == env


# --- The real processes: `uvicorn api.main:app` and `python -m workers[...]` ---


def process_env(**extra: str) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(STEERING_PREFIXES)}
    # Nowhere to connect to: a process that got past its checks fails on this, not on them.
    environment["ORDERFLOW_TEMPORAL_ADDRESS"] = "127.0.0.1:1"
    environment["PYTHONPATH"] = str(ROOT)
    return {**environment, **extra}


def run(command: list[str], environment: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=environment, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_api_refuses_to_start_without_production_settings(tmp_path):
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(free_port())]

    started = run(command, process_env(ORDERFLOW_DATA_DIR=str(tmp_path)), tmp_path)

    assert started.returncode != 0
    for name in [*SECRET_NAMES, "SENDGRID_API_KEY"]:
        assert name in started.stderr, started.stderr[-2000:]
    # A clear sentence, not a stack trace that quotes the settings.
    assert "Traceback" not in started.stderr


@pytest.mark.parametrize("module", ["workers", "workers.orders", "workers.vision", "workers.messaging"])
def test_every_worker_refuses_to_start_without_production_settings(tmp_path, module):
    secrets = {name: value for name, value in PRODUCTION.items() if name != "ORDERFLOW_LINK_SECRET"}

    started = run([sys.executable, "-m", module], process_env(ORDERFLOW_DATA_DIR=str(tmp_path), **secrets), tmp_path)

    assert started.returncode != 0
    assert "ORDERFLOW_LINK_SECRET" in started.stderr, started.stderr[-2000:]
    assert "Traceback" not in started.stderr
    assert not any(value in started.stderr for value in secrets.values())


@pytest.mark.parametrize(
    "command", [["orderflow.cli.schema", "upgrade"], ["orderflow.cli.retention"]], ids=["schema", "retention"]
)
def test_the_setup_job_and_the_image_sweeper_refuse_the_same_way(tmp_path, command):
    started = run([sys.executable, "-m", *command], process_env(ORDERFLOW_DATA_DIR=str(tmp_path)), tmp_path)

    assert started.returncode == 1
    assert "ORDERFLOW_DATA_KEY" in started.stderr and "Traceback" not in started.stderr, started.stderr[-2000:]
    assert not (tmp_path / "orderflow.db").exists()  # refused before touching the database


def test_a_mail_dry_run_says_so_loudly_at_startup(tmp_path):
    secrets = {name: value for name, value in PRODUCTION.items() if name != "SENDGRID_API_KEY"}
    environment = process_env(ORDERFLOW_DATA_DIR=str(tmp_path), ORDERFLOW_MAIL_DRY_RUN="true", **secrets)

    # Past its checks, the worker says what it will do with e-mail, then waits for Temporal (nothing listens).
    worker = subprocess.Popen(
        [sys.executable, "-m", "workers.messaging"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 120
        while "retrying" not in output and time.monotonic() < deadline and worker.poll() is None:
            output += worker.stdout.readline()  # type: ignore[union-attr]
    finally:
        worker.kill()
        worker.wait()

    assert "MAIL DRY RUN" in output and "ORDERFLOW_MAIL_DRY_RUN" in output, output[-2000:]
    assert "retrying" in output  # not ready yet: it keeps trying to reach Temporal instead of exiting


# --- The production app as `uvicorn api.main:app` builds it from the environment ---


def production_app():
    import api.main

    return api.main.create_app()


async def get(app, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as http:
        return await http.get(path, headers=headers)


async def test_the_dev_outbox_is_not_mounted_in_production(production_env):
    app = production_app()

    response = await get(app, "/dev/outbox", OPERATOR_TOKEN)

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not any(path.startswith("/dev") for path in app.openapi()["paths"])


@pytest.mark.parametrize("path", ["/metrics", "/docs", "/redoc", "/openapi.json"])
async def test_operator_surfaces_need_an_operator_token_in_production(production_env, path):
    app = production_app()

    anonymous = await get(app, path)
    storefront = await get(app, path, PRODUCTION["ORDERFLOW_STOREFRONT_TOKEN"])
    operator = await get(app, path, OPERATOR_TOKEN)

    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    assert storefront.status_code == 401
    assert operator.status_code == 200


async def test_the_operator_sees_the_whole_api_description(production_env):
    app = production_app()

    spec = (await get(app, "/openapi.json", OPERATOR_TOKEN)).json()
    page = await get(app, "/docs", OPERATOR_TOKEN)

    assert "/orders" in spec["paths"] and "/ops/stuck" in spec["paths"]
    assert "swagger" in page.text.lower() and "/openapi.json" in page.text
