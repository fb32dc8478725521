"""Payload codec: every Temporal payload (names, e-mail, date of birth, address, codes a
courier typed) is AES-GCM encrypted before it leaves the process, so history holds ciphertext.

Each payload names the key that sealed it (`encryption-key-id`), so payloads written before a key
rotation still decode while new ones use the current key.
"""

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from orderflow.crypto import Keyring, open_sealed, seal

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: Keyring) -> None:
        self._keys = keys

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self._keys.current_id
        key = self._keys.current
        return [
            Payload(
                metadata={"encoding": ENCODING, KEY_ID: key_id.encode()},
                data=seal(key, p.SerializeToString()),
            )
            for p in payloads
        ]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                # Plain JSON, e.g. an order started with the `temporal` CLI: passed through as it is.
                decoded.append(p)
                continue
            key = self._keys.key(p.metadata.get(KEY_ID, b"").decode())
            decoded.append(Payload.FromString(open_sealed(key, p.data)))
        return decoded
