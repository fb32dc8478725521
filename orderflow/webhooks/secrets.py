"""Endpoint secrets: `whsec_<base64>` of random bytes, sealed with the data key at rest."""

import base64
import binascii
import secrets

from orderflow.crypto import Keyring, open_sealed, seal

PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification allows 24 to 64
MIN_BYTES, MAX_BYTES = 24, 64


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The bytes the HMAC is keyed with: the base64 part of the secret, decoded."""
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except binascii.Error as bad:
        raise ValueError("a webhook secret is base64 after whsec_") from bad
    if not MIN_BYTES <= len(key) <= MAX_BYTES:
        raise ValueError(f"a webhook secret holds {MIN_BYTES} to {MAX_BYTES} bytes")
    return key


def seal_secret(keys: Keyring, endpoint_id: str, secret: str) -> str:
    """`<key id>:<base64>`; bound to its endpoint, so a sealed secret cannot be moved to another."""
    sealed = seal(keys.current, secret.encode(), endpoint_id.encode())
    return f"{keys.current_id}:{base64.b64encode(sealed).decode()}"


def open_secret(keys: Keyring, endpoint_id: str, sealed: str) -> str:
    key_id, _, encoded = sealed.partition(":")
    return open_sealed(keys.key(key_id), base64.b64decode(encoded), endpoint_id.encode()).decode()
