"""Payload codec: every Temporal payload (names, e-mail, date of birth, address, codes a
courier typed) is AES-GCM encrypted before it leaves the process, so history holds ciphertext."""

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from orderflow.crypto import open_sealed, seal

ENCODING = b"binary/encrypted"


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes, key_id: str = "k1") -> None:
        self._key = key
        self._key_id = key_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [
            Payload(
                metadata={"encoding": ENCODING, "encryption-key-id": self._key_id.encode()},
                data=seal(self._key, p.SerializeToString()),
            )
            for p in payloads
        ]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                decoded.append(p)
                continue
            key_id = p.metadata.get("encryption-key-id", b"").decode()
            if key_id != self._key_id:
                raise ValueError(f"unknown payload encryption key id {key_id!r}")
            decoded.append(Payload.FromString(open_sealed(self._key, p.data)))
        return decoded
