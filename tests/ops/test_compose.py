"""docker-compose.yml, checked without a Docker engine: services, health checks, start order,
pinned images, and every setting production needs provided from the env file."""

import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from orderflow.contract.policy import OrderPolicy
from orderflow.settings import Settings
from orderflow.temporal import connect_config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
ENV_EXAMPLE = ROOT / ".env.example"

APP_SERVICES = {"setup", "api", "worker-orders", "worker-vision", "worker-messaging", "worker-webhooks"}
ONE_SHOTS = {"temporal-schema", "temporal-namespace", "setup"}
# What `Settings.refuse_dev_secrets` checks in production: each must come from the env file.
SECRETS = [
    "ORDERFLOW_STOREFRONT_TOKEN",
    "ORDERFLOW_AGENT_TOKENS",
    "ORDERFLOW_COURIER_TOKENS",
    "ORDERFLOW_OPERATOR_TOKENS",
    "ORDERFLOW_LINK_SECRET",
    "ORDERFLOW_DATA_KEY",
]
REQUIRED = [*SECRETS, "ORDERFLOW_ENV", "ORDERFLOW_DATABASE_URL", "TEMPORAL_ADDRESS", "SENDGRID_API_KEY"]
# ${NAME}, ${NAME:-default}, ${NAME:?error}; `$$` is a literal dollar for the container's shell.
VARIABLE = re.compile(r"(?<!\$)\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def example_env() -> dict[str, str]:
    lines = (line.strip() for line in ENV_EXAMPLE.read_text().splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def resolve(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation, for the forms this file uses."""

    def substitute(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        if env.get(name):
            return env[name]
        if operator == ":?":
            raise KeyError(f"{name} must be set")
        return default or ""

    return VARIABLE.sub(substitute, value)


def test_the_stack_has_its_services():
    assert set(SERVICES) == {"postgresql", "temporal", "temporal-ui", *ONE_SHOTS, *APP_SERVICES}
    assert SERVICES["temporal"]["environment"]["DB"] == "postgres12"
    assert "orderflow.cli.ops setup-search-attributes" in " ".join(SERVICES["setup"]["command"])
    assert "orderflow.cli.schema upgrade" in " ".join(SERVICES["setup"]["command"])
    commands = {name: " ".join(SERVICES[name]["command"]) for name in APP_SERVICES - {"setup"}}
    assert commands == {
        "api": "uvicorn api.main:app --host 0.0.0.0 --port 8000",
        "worker-orders": "python -m workers.orders",
        "worker-vision": "python -m workers.vision",
        "worker-messaging": "python -m workers.messaging",
        "worker-webhooks": "python -m workers.webhooks",
    }


def test_long_running_services_have_health_checks_and_one_shots_do_not_restart():
    for name, service in SERVICES.items():
        if name in ONE_SHOTS:
            assert service["restart"] == "no", name
        else:
            check = service["healthcheck"]
            assert check["test"] and check["interval"] and check["retries"], name


def test_dependencies_wait_for_health_or_completion():
    for name, service in SERVICES.items():
        for dependency, condition in service.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dependency in ONE_SHOTS else "service_healthy"
            assert condition == {"condition": expected}, f"{name} -> {dependency}"
    for name in APP_SERVICES - {"setup"}:
        assert SERVICES[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_images_are_pinned():
    for name, service in SERVICES.items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and re.fullmatch(r"\d+\.\d+(\.\d+)?(-[a-z]+)?", tag), f"{name}: {image}"
    assert SERVICES["postgresql"]["image"].startswith("postgres:16.")
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "." and (ROOT / "Dockerfile").is_file()


def test_data_lives_in_volumes():
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgresql"]["volumes"]
    # The API stores the uploaded photos the vision workers read.
    assert "blobs:/blobs" in SERVICES["api"]["volumes"]
    assert any(volume.startswith("blobs:/blobs") for volume in SERVICES["worker-vision"]["volumes"])
    assert set(COMPOSE["volumes"]) == {"postgres-data", "blobs"}


def test_vision_workers_can_be_scaled():
    vision = SERVICES["worker-vision"]
    assert "container_name" not in vision and "ports" not in vision
    assert all("container_name" not in service for service in SERVICES.values())


def test_ui_decodes_payloads_through_the_api_codec_endpoint():
    ui = SERVICES["temporal-ui"]["environment"]
    assert resolve(ui["TEMPORAL_CODEC_ENDPOINT"], example_env()) == "http://localhost:8000/codec"


def test_every_app_service_gets_what_production_requires_from_the_env_file():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert set(REQUIRED) <= set(environment), name
        assert environment["ORDERFLOW_ENV"] == "production"
        for secret in SECRETS:
            # From .env, and compose refuses to start without it: never a value written here.
            assert re.fullmatch(rf"\$\{{{secret}:\?[^}}]+\}}", environment[secret]), f"{name}: {secret}"


def test_the_api_and_every_worker_read_the_same_order_policy():
    # A policy value given to one service alone would let the API summarise an order by one high-value
    # threshold while the orders worker records another: policy variables only in the shared environment.
    variables = {f"ORDERFLOW_{name.upper()}" for name in OrderPolicy.model_fields}
    policies = {
        name: {key: value for key, value in SERVICES[name]["environment"].items() if key in variables}
        for name in APP_SERVICES
    }

    assert all(policy == policies["api"] for policy in policies.values()), policies


def strings(node: object) -> list[str]:
    """Every string value in the parsed file (comments are gone by then)."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []


def test_every_variable_the_file_uses_is_in_the_example():
    used = {name for value in strings(COMPOSE) for name, _, _ in VARIABLE.findall(value)}
    assert used <= set(example_env())
    assert "POSTGRES_PASSWORD" in used and set(SECRETS) <= used


def test_example_secrets_are_empty_so_nobody_runs_on_them():
    example = example_env()
    assert all(example[secret] == "" for secret in [*SECRETS, "POSTGRES_PASSWORD"])
    with pytest.raises(KeyError):
        resolve(SERVICES["api"]["environment"]["ORDERFLOW_DATA_KEY"], example)


def filled_env() -> dict[str, str]:
    """.env.example with every empty value filled in, as an operator would."""
    return {name: value or f"{name.lower()}-0123456789" for name, value in example_env().items()}


def container_env(environment: dict[str, str], env_file: dict[str, str]) -> dict[str, str]:
    return {name: resolve(str(value), env_file) for name, value in environment.items()}


def container_settings(environment: dict[str, str], env_file: dict[str, str] | None = None) -> Settings:
    values = container_env(environment, filled_env() if env_file is None else env_file)
    fields = {
        name.removeprefix("ORDERFLOW_").lower(): value
        for name, value in values.items()
        if name.startswith("ORDERFLOW_")
    }
    return Settings(_env_file=None, sendgrid_api_key=values.get("SENDGRID_API_KEY") or None, **fields)


def test_the_containers_settings_pass_production_checks():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        unknown = {key for key in environment if key.startswith("ORDERFLOW_")} - {
            f"ORDERFLOW_{field.upper()}" for field in Settings.model_fields
        }
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
        settings = container_settings(environment)
        assert settings.env == "production" and settings.sqlalchemy_url.startswith("postgresql+psycopg://orderflow:")


@pytest.mark.parametrize("secret", SECRETS)
def test_each_secret_is_one_production_insists_on(secret):
    # Without it the development default applies, which production refuses: the list above is complete.
    environment = {key: value for key, value in SERVICES["api"]["environment"].items() if key != secret}
    with pytest.raises(ValidationError, match="production refuses"):
        container_settings(environment)


def published_ports(service: dict) -> list[str]:
    """The short syntax this file uses: "[host_ip:]host_port:container_port"."""
    return [str(port) for port in service.get("ports", [])]


def test_only_the_api_listens_on_every_interface():
    for name, service in SERVICES.items():
        for port in published_ports(service):
            if name == "api":
                assert port == "8000:8000"
            else:
                # The database, the Temporal frontend and the UI have no sign-in fit for a network.
                assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"
    assert "ports" not in SERVICES["postgresql"]
    assert published_ports(SERVICES["temporal-ui"]) == ["127.0.0.1:8080:8080"]


def test_the_temporal_ui_is_read_only():
    # Terminate, cancel, signal, reset and batch actions go through the audited /ops API instead.
    assert SERVICES["temporal-ui"]["environment"]["TEMPORAL_DISABLE_WRITE_ACTIONS"] == "true"


def test_without_a_sendgrid_key_production_refuses_unless_mail_is_a_dry_run():
    unset = {**filled_env(), "SENDGRID_API_KEY": ""}
    environment = SERVICES["worker-messaging"]["environment"]
    with pytest.raises(ValidationError, match="SENDGRID_API_KEY, or ORDERFLOW_MAIL_DRY_RUN=true"):
        container_settings(environment, unset)

    dry_run = container_settings(environment, {**unset, "ORDERFLOW_MAIL_DRY_RUN": "true"})

    assert dry_run.mail_dry_run and dry_run.sendgrid_api_key is None


def test_the_services_reach_temporal_through_the_sdk_profile_variables():
    environment = SERVICES["worker-orders"]["environment"]
    settings = container_settings(environment)

    # The operator filled in the secrets and left the example's Temporal lines as they are.
    as_shipped = {
        **filled_env(),
        **{name: value for name, value in example_env().items() if name.startswith("TEMPORAL_")},
    }
    bundled = connect_config(settings, container_env(environment, as_shipped))
    cloud_env = {
        **as_shipped,
        "TEMPORAL_ADDRESS": "shop.a1b2c.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE": "shop.a1b2c",
        "TEMPORAL_API_KEY": "cloud-api-key",
    }
    cloud = connect_config(settings, container_env(environment, cloud_env))

    # The example's empty TEMPORAL_API_KEY counts as unset: no TLS towards the bundled server.
    assert bundled == {"target_host": "temporal:7233", "namespace": "default"}
    assert cloud == {
        "target_host": "shop.a1b2c.tmprl.cloud:7233",
        "namespace": "shop.a1b2c",
        "api_key": "cloud-api-key",
        "tls": True,
    }
    namespaces = {
        SERVICES["temporal-ui"]["environment"]["TEMPORAL_DEFAULT_NAMESPACE"],
        environment["TEMPORAL_NAMESPACE"],
    }
    assert namespaces == {"${TEMPORAL_NAMESPACE:-default}"}
