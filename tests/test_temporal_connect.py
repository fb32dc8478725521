"""Where clients connect: the SDK's environment configuration (TOML profiles, TEMPORAL_*), with
ORDERFLOW_TEMPORAL_ADDRESS / ORDERFLOW_TEMPORAL_NAMESPACE on top when they are set."""

from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from orderflow.settings import Settings
from orderflow.temporal import TemporalConfigError, connect, connect_config

PROFILES = """
[profile.default]
address = "temporal.internal:7233"
namespace = "orders-prod"

[profile.cloud]
address = "shop.a1b2c.tmprl.cloud:7233"
namespace = "shop.a1b2c"
api_key = "cloud-api-key"

[profile.mtls]
address = "temporal.secure:7233"
namespace = "orders"

[profile.mtls.tls]
server_name = "temporal.secure"
client_cert_path = "{directory}/client.pem"
client_key_path = "{directory}/client.key"
server_ca_cert_path = "{directory}/ca.pem"
"""


@pytest.fixture
def unset(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings in which neither ORDERFLOW_TEMPORAL_ADDRESS nor ORDERFLOW_TEMPORAL_NAMESPACE was set."""
    monkeypatch.delenv("ORDERFLOW_TEMPORAL_ADDRESS", raising=False)
    monkeypatch.delenv("ORDERFLOW_TEMPORAL_NAMESPACE", raising=False)
    return Settings(env="test")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    for name in ("client.pem", "client.key", "ca.pem"):
        (tmp_path / name).write_bytes(f"-----BEGIN {name}-----\n".encode())
    path = tmp_path / "temporal.toml"
    path.write_text(PROFILES.format(directory=tmp_path))
    return path


def test_an_api_key_profile_turns_tls_on(unset, config_file):
    config = connect_config(unset, {"TEMPORAL_CONFIG_FILE": str(config_file), "TEMPORAL_PROFILE": "cloud"})

    assert config == {
        "target_host": "shop.a1b2c.tmprl.cloud:7233",
        "namespace": "shop.a1b2c",
        "api_key": "cloud-api-key",
        "tls": True,
    }


def test_an_mtls_profile_hands_over_the_certificates(unset, config_file):
    config = connect_config(unset, {"TEMPORAL_CONFIG_FILE": str(config_file), "TEMPORAL_PROFILE": "mtls"})

    assert config["target_host"] == "temporal.secure:7233" and config["namespace"] == "orders"
    assert config["tls"] == TLSConfig(
        domain="temporal.secure",
        server_root_ca_cert=b"-----BEGIN ca.pem-----\n",
        client_cert=b"-----BEGIN client.pem-----\n",
        client_private_key=b"-----BEGIN client.key-----\n",
    )
    assert "api_key" not in config


def test_temporal_variables_override_the_file_and_orderflow_variables_override_both(unset, config_file):
    environment = {
        "TEMPORAL_CONFIG_FILE": str(config_file),
        "TEMPORAL_ADDRESS": "temporal.blue:7233",
        "TEMPORAL_API_KEY": "env-api-key",
    }

    from_profile = connect_config(unset, environment)
    explicit = Settings(env="test", temporal_address="127.0.0.1:7999", temporal_namespace="staging")
    from_orderflow = connect_config(explicit, environment)

    assert from_profile["target_host"] == "temporal.blue:7233" and from_profile["namespace"] == "orders-prod"
    assert from_profile["api_key"] == "env-api-key" and from_profile["tls"] is True
    # ORDERFLOW_* pick the server; the credentials still come from the profile.
    assert from_orderflow["target_host"] == "127.0.0.1:7999" and from_orderflow["namespace"] == "staging"
    assert from_orderflow["api_key"] == "env-api-key"


def test_orderflow_variables_from_the_environment_win(monkeypatch, config_file):
    monkeypatch.setenv("ORDERFLOW_TEMPORAL_ADDRESS", "127.0.0.1:7998")
    monkeypatch.delenv("ORDERFLOW_TEMPORAL_NAMESPACE", raising=False)

    config = connect_config(Settings(env="test"), {"TEMPORAL_CONFIG_FILE": str(config_file)})

    assert config == {"target_host": "127.0.0.1:7998", "namespace": "orders-prod"}


def test_nothing_configured_is_the_local_server(unset):
    # An empty variable is unset (docker-compose's `${TEMPORAL_API_KEY:-}`); otherwise TLS would go on.
    config = connect_config(unset, {"TEMPORAL_API_KEY": "", "TEMPORAL_ADDRESS": ""})

    assert config == {"target_host": "localhost:7233", "namespace": "default"}


def test_a_config_file_that_is_not_there_is_refused(unset, tmp_path):
    with pytest.raises(TemporalConfigError, match="does not exist"):
        connect_config(unset, {"TEMPORAL_CONFIG_FILE": str(tmp_path / "typo.toml")})


def test_an_unknown_profile_is_refused(unset, config_file):
    with pytest.raises(Exception, match="Profile 'nope' not found"):
        connect_config(unset, {"TEMPORAL_CONFIG_FILE": str(config_file), "TEMPORAL_PROFILE": "nope"})


async def test_connect_follows_temporal_address_to_a_real_server(
    dev_server_env: WorkflowEnvironment, unset: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    target = dev_server_env.client.service_client.config.target_host
    profile = tmp_path / "temporal.toml"
    profile.write_text(f'[profile.dev]\naddress = "{target}"\nnamespace = "default"\n')
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(profile))
    monkeypatch.setenv("TEMPORAL_PROFILE", "dev")

    client = await connect(unset)

    assert client.service_client.config.target_host == target and client.namespace == "default"
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
    assert described.namespace_info.name == "default"
