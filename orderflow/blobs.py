"""Blob store for uploaded ID images: a local directory by default.

References are opaque strings `<order_id>/<random>.<ext>`; workflows carry only these.
"""

import re
import secrets
from collections.abc import Iterable
from pathlib import Path

_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}/[a-f0-9]{32}\.(jpg|png)$")


class BlobNotFound(Exception):
    pass


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def new_ref(self, order_id: str, extension: str) -> str:
        return f"{order_id}/{secrets.token_hex(16)}.{extension}"

    def path(self, ref: str) -> Path:
        # The pattern rules out "..", absolute paths and anything else that could leave the root.
        if not _REF.match(ref):
            raise BlobNotFound(ref)
        return self.root / ref

    def write_chunks(self, ref: str, chunks: Iterable[bytes]) -> int:
        target = self.path(ref)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with target.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        return size

    def read_bytes(self, ref: str) -> bytes:
        try:
            return self.path(ref).read_bytes()
        except FileNotFoundError as missing:
            raise BlobNotFound(ref) from missing

    def delete(self, ref: str) -> None:
        self.path(ref).unlink(missing_ok=True)

    def delete_order(self, order_id: str) -> int:
        """Deletes every image of an order; returns how many were removed."""
        folder = self.root / order_id
        if not folder.is_dir():
            return 0
        removed = 0
        for file in folder.iterdir():
            file.unlink(missing_ok=True)
            removed += 1
        folder.rmdir()
        return removed
