"""The one place clients get the project's data converter and a Temporal client.

Storefront scripts, workers, the API, the codec endpoint and tests all use `connect()` or
`data_converter()`: pydantic models on the wire, encrypted by `EncryptionCodec`.
"""

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
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


async def connect(settings: Settings | None = None, runtime: Runtime | None = None) -> Client:
    """`runtime`: e.g. one serving metrics (orderflow.metrics.worker_runtime); None is the SDK's default."""
    settings = settings or get_settings()
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        runtime=runtime,
    )
