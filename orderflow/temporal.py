"""The one place clients get the project's data converter and a Temporal client.

Storefront scripts, workers, the API and tests all use `connect()` or `data_converter()`:
pydantic models on the wire, encrypted by `EncryptionCodec`.
"""

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from orderflow.codec import EncryptionCodec
from orderflow.crypto import load_key
from orderflow.settings import Settings, get_settings


def data_converter(settings: Settings | None = None) -> DataConverter:
    settings = settings or get_settings()
    codec = EncryptionCodec(load_key(settings.data_key))
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)


async def connect(settings: Settings | None = None) -> Client:
    settings = settings or get_settings()
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
    )
