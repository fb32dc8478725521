"""AES-256-GCM sealing for data at rest (delivery codes) and in Temporal payloads, and the keyring
that lets the payload key be rotated."""

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from orderflow.settings import Settings

NONCE_BYTES = 12


def load_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as bad:
        raise ValueError("a data key must be base64") from bad
    if len(key) != 32:
        raise ValueError("a data key must be 32 bytes, base64-encoded (ORDERFLOW_DATA_KEY)")
    return key


def seal(key: bytes, plaintext: bytes, associated_data: bytes | None = None) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes | None = None) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)


class UnknownKeyId(KeyError):
    pass


@dataclass(frozen=True)
class Keyring:
    """The current key encrypts; every key, current or previous, decrypts what carries its id.

    Rotation: give the new key a new id, move the old one to the previous keys, and drop it
    only once nothing encrypted with it is still needed (closed workflows past retention).
    """

    current_id: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        if self.current_id not in self.keys:
            raise ValueError(f"the current key id {self.current_id!r} has no key")

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def newest_first(self) -> list[bytes]:
        return [self.current, *(key for key_id, key in self.keys.items() if key_id != self.current_id)]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKeyId(key_id) from None


def keyring(current_id: str, current_key: str, previous_keys: str = "") -> Keyring:
    """From settings: the current key (base64) and previous ones as `"id:base64,id:base64"`."""
    keys: dict[str, bytes] = {}
    for pair in filter(None, (p.strip() for p in previous_keys.split(","))):
        key_id, _, encoded = pair.partition(":")
        if not key_id or not encoded:
            raise ValueError("previous data keys must be 'id:base64' pairs, comma-separated")
        keys[key_id.strip()] = load_key(encoded.strip())
    # The current key wins over a previous key of the same id.
    keys[current_id] = load_key(current_key)
    return Keyring(current_id=current_id, keys=keys)


def data_keys(settings: "Settings") -> Keyring:
    """The keyring of ORDERFLOW_DATA_KEY (id ORDERFLOW_DATA_KEY_ID) and ORDERFLOW_PREVIOUS_DATA_KEYS."""
    return keyring(settings.data_key_id, settings.data_key, settings.previous_data_keys)
