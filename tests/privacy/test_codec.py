"""The payload codec: AES-GCM with the key id in the metadata, so keys can be rotated."""

import base64
import os
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from orderflow.codec import ENCODING, KEY_ID, EncryptionCodec
from orderflow.crypto import UnknownKeyId, keyring
from orderflow.delivery_codes import open_code, seal_code
from orderflow.settings import Settings
from orderflow.store.codes import DeliveryCode
from orderflow.temporal import data_converter, payload_codec
from tests.workflows.harness import make_order


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


OLD, NEW = new_key(), new_key()
NOW = datetime(2026, 11, 23, tzinfo=UTC)


async def test_encrypts_with_the_current_key_and_names_it():
    order = make_order()
    [plain] = pydantic_data_converter.payload_converter.to_payloads([order])
    codec = EncryptionCodec(keyring("k2", NEW, f"k1:{OLD}"))

    [sealed] = await codec.encode([plain])

    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == b"k2"
    assert b"Mustermann" not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [plain]


async def test_payloads_sealed_before_a_rotation_still_decode():
    [plain] = pydantic_data_converter.payload_converter.to_payloads([make_order()])
    [before] = await EncryptionCodec(keyring("k1", OLD)).encode([plain])

    rotated = EncryptionCodec(keyring("k2", NEW, f"k1:{OLD}"))

    assert await rotated.decode([before]) == [plain]
    [after] = await rotated.encode([plain])
    assert after.metadata[KEY_ID] == b"k2"


async def test_a_retired_key_or_a_tampered_payload_does_not_decode():
    [plain] = pydantic_data_converter.payload_converter.to_payloads(["Erika"])
    [sealed] = await EncryptionCodec(keyring("k1", OLD)).encode([plain])

    with pytest.raises(UnknownKeyId):
        await EncryptionCodec(keyring("k2", NEW)).decode([sealed])
    tampered = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(InvalidTag):
        await EncryptionCodec(keyring("k1", OLD)).decode([tampered])


async def test_plain_payloads_pass_through():
    # e.g. an order started with the `temporal` CLI, which sends plain JSON
    [plain] = pydantic_data_converter.payload_converter.to_payloads([{"order_id": "A-1"}])

    assert await EncryptionCodec(keyring("k1", OLD)).decode([plain]) == [plain]


def test_settings_build_the_keyring():
    settings = Settings(env="test", data_key=NEW, data_key_id="2026-11", previous_data_keys=f"k1:{OLD}, k0:{new_key()}")

    keys = payload_codec(settings)._keys

    assert keys.current_id == "2026-11"
    assert set(keys.keys) == {"2026-11", "k1", "k0"}
    assert keys.key("k1") == base64.b64decode(OLD)


@pytest.mark.parametrize("previous", ["k1", f"k1:{base64.b64encode(b'short').decode()}", ":abc", "k1:not base64!"])
def test_bad_previous_keys_are_refused(previous: str):
    with pytest.raises(ValueError):
        keyring("k2", NEW, previous)


async def test_failure_messages_are_encrypted_too():
    converter = data_converter(Settings(env="test"))
    failure = Failure()

    await converter.encode_failure(ApplicationError("mail to erika@example.org bounced", type="rejected"), failure)

    assert b"erika@example.org" not in failure.SerializeToString()
    assert failure.application_failure_info.type == "rejected"  # the machine-readable part stays readable
    decoded = await converter.decode_failure(failure)
    assert "erika@example.org" in str(decoded)


def test_a_delivery_code_sealed_before_a_rotation_still_opens():
    before = DeliveryCode(
        order_id="A-1",
        attempt=1,
        sealed_code=seal_code(keyring("k1", OLD), "A-1", 1, "042917"),
        valid_until=NOW,
        created_at=NOW,
    )
    rotated = keyring("k2", NEW, f"k1:{OLD}")
    after = DeliveryCode(
        order_id="A-1", attempt=2, sealed_code=seal_code(rotated, "A-1", 2, "771203"), valid_until=NOW, created_at=NOW
    )

    assert open_code(rotated, before) == "042917"
    assert open_code(rotated, after) == "771203"
    assert open_code(base64.b64decode(NEW), after) == "771203"  # sealed with the current key
    with pytest.raises(InvalidTag):
        open_code(keyring("k2", NEW), before)  # the old key is gone: nothing opens it
