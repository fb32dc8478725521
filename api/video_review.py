"""What an agent sees of a customer's submission: the photo checks' findings from the store, and the
ID images while the blob store still keeps them (they go once the ident decision is final)."""

import re

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from orderflow.blobs import BlobNotFound, BlobStore
from orderflow.store.ident import IdentAttempt, IdentAttemptPublic

# The file part of a blob reference (orderflow.blobs): nothing else can name an image.
IMAGE_NAME = re.compile(r"^[a-f0-9]{32}\.(jpg|png)$")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def photo_checks(engine: Engine, order_id: str) -> list[IdentAttemptPublic]:
    """Every photo check of the order, first submission first (findings and codes, no image bytes)."""
    with Session(engine) as session:
        rows = session.exec(
            select(IdentAttempt).where(IdentAttempt.order_id == order_id).order_by(col(IdentAttempt.submission))
        ).all()
        return [IdentAttemptPublic.model_validate(row) for row in rows]


def kept_images(blobs: BlobStore, order_id: str, checks: list[IdentAttemptPublic]) -> list[dict[str, str]]:
    """The order's images still stored, each with what the check took it for (`kind`), oldest first."""
    kinds = {str(image.get("ref", "")): str(image.get("kind", "")) for check in checks for image in check.images}
    folder = blobs.root / order_id
    if not folder.is_dir():
        return []
    files = sorted((f for f in folder.iterdir() if IMAGE_NAME.match(f.name)), key=lambda f: f.stat().st_mtime_ns)
    return [{"name": f.name, "kind": kinds.get(f"{order_id}/{f.name}", "")} for f in files]


def read_image(blobs: BlobStore, order_id: str, name: str) -> tuple[bytes, str]:
    """The image's bytes and media type; BlobNotFound for a name that is not one of the order's images."""
    if not IMAGE_NAME.match(name):
        raise BlobNotFound(name)
    return blobs.read_bytes(f"{order_id}/{name}"), MEDIA_TYPES[name.rsplit(".", 1)[1]]
