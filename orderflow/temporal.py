"""The one place clients get the project's data converter and a Temporal client.

Storefront scripts, workers, the API, the codec endpoint and tests all use `connect()` or
`data_converter()`: pydantic models on the wire, encrypted by `EncryptionCodec`.

Where to connect comes from the SDK's environment configuration (`temporalio.envconfig`), so the
same processes run against a local server, a secured cluster (mTLS) or Temporal Cloud (API key):
a profile from a TOML file (`TEMPORAL_CONFIG_FILE`, else ~/.config/temporalio/temporal.toml;
`TEMPORAL_PROFILE`, else "default"), overridden by `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
`TEMPORAL_API_KEY`, `TEMPORAL_TLS*`. On top of that, `ORDERFLOW_TEMPORAL_ADDRESS` and
`ORDERFLOW_TEMPORAL_NAMESPACE` win when they are set (the project's own contract, DESIGN.md);
nothing set at all: `localhost:7233`, namespace `default`.
"""

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.envconfig import ClientConfigProfile, ClientConnectConfig
from temporalio.runtime import Runtime

from orderflow.codec import EncryptionCodec
from orderflow.crypto import data_keys
from orderflow.settings import Settings, get_settings


def payload_codec(settings: Settings | None = None) -> EncryptionCodec:
    return EncryptionCodec(data_keys(settings or get_settings()))


def data_converter(settings: Settings | None = None) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=payload_codec(settings),
        # Failure messages and stack traces go through the codec too: an error text may quote
        # an e-mail address or a name, and history must not hold them in the clear.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


class TemporalConfigError(ValueError):
    pass


def connect_config(settings: Settings, environ: Mapping[str, str] | None = None) -> ClientConnectConfig:
    """`Client.connect` arguments: the Temporal profile, then the ORDERFLOW_* settings that were set.

    `environ`: the environment to read (default: this process's). An empty variable counts as
    unset, as in docker-compose's `${TEMPORAL_API_KEY:-}`: an empty API key would switch TLS on.
    """
    environ = {name: value for name, value in (os.environ if environ is None else environ).items() if value}
    config_file = environ.get("TEMPORAL_CONFIG_FILE")
    if config_file and not Path(config_file).exists():
        # The SDK would quietly go on without it, to localhost: a typo must not do that.
        raise TemporalConfigError(f"TEMPORAL_CONFIG_FILE names a file that does not exist: {config_file}")
    config = ClientConfigProfile.load(override_env_vars=environ).to_client_connect_config()
    chosen = settings.model_fields_set  # set by ORDERFLOW_* variables or by the caller
    if "temporal_address" in chosen or "target_host" not in config:
        config["target_host"] = settings.temporal_address
    if "temporal_namespace" in chosen or "namespace" not in config:
        config["namespace"] = settings.temporal_namespace
    return config


async def connect(settings: Settings | None = None, runtime: Runtime | None = None) -> Client:
    """`runtime`: e.g. one serving metrics (orderflow.metrics.worker_runtime); None is the SDK's default."""
    settings = settings or get_settings()
    return await Client.connect(
        **connect_config(settings),
        data_converter=data_converter(settings),
        runtime=runtime,
    )
