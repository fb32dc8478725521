"""ID photos from a multipart body, streamed into the blob store as they arrive.

Nothing is held in memory beyond one chunk and the first bytes of a part: each part goes straight
to its blob file. The type is decided by the file's own first bytes (JPEG `FF D8 FF`, PNG
`89 50 4E 47 0D 0A 1A 0A`), never by its name or the browser's content type; HEIC photos arrive
as JPEG when the browser converted them, anything else is refused with 415.
"""

from typing import BinaryIO

import anyio
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from api.errors import ApiError
from orderflow.blobs import BlobStore

PHOTO_FIELDS = ("front", "back", "portrait")
_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
_SNIFF = max(len(magic) for magic in _MAGIC)
# Headers, boundaries and the odd extra field on top of the photos themselves.
_OVERHEAD = 64 * 1024


def sniff(head: bytes) -> str | None:
    """The blob extension for these first bytes, or None when they are neither JPEG nor PNG."""
    for magic, extension in _MAGIC.items():
        if head.startswith(magic):
            return extension
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


class _PhotoParts:
    """Parser callbacks: routes each expected part into its own blob, refusing as early as it can."""

    def __init__(self, blobs: BlobStore, order_id: str, max_bytes: int) -> None:
        self.blobs = blobs
        self.order_id = order_id
        self.max_bytes = max_bytes
        self.refs: dict[str, str] = {}
        self.ended = False
        self._written: list[str] = []
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name: str | None = None
        self._head = bytearray()
        self._size = 0
        self._file: BinaryIO | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._disposition = b""
        self._name = None
        self._head.clear()
        self._size = 0

    def _header_end(self) -> None:
        if bytes(self._header_field).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._disposition)
        name = params.get(b"name", b"").decode("latin-1")
        if name not in PHOTO_FIELDS:
            return  # not one of ours: read past it without keeping anything
        if name in self.refs:
            raise ApiError(422, "duplicate_photo", f"{name}: send each photo once")
        self._name = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._name is None:
            return
        self._size += end - start
        if self._size > self.max_bytes:
            raise ApiError(
                413, "photo_too_large", f"{self._name}: a photo may have at most {_megabytes(self.max_bytes)}"
            )
        if self._file is None:
            self._head.extend(data[start:end])
            if len(self._head) >= _SNIFF:
                self._open()
        else:
            self._file.write(data[start:end])

    def _open(self) -> None:
        assert self._name is not None
        extension = sniff(bytes(self._head))
        if extension is None:
            raise ApiError(
                415,
                "unsupported_image",
                f"{self._name}: only JPEG or PNG photos are accepted (the page converts other camera formats)",
            )
        ref = self.blobs.new_ref(self.order_id, extension)
        path = self.blobs.path(ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._written.append(ref)
        self._file = path.open("wb")
        self._file.write(self._head)
        self.refs[self._name] = ref

    def _part_end(self) -> None:
        if self._name is None:
            return
        if self._size == 0:
            raise ApiError(422, "empty_photo", f"{self._name}: the file is empty")
        if self._file is None:
            self._open()  # shorter than the longest magic: still decided by its first bytes
        self.close_file()
        self._name = None

    def _end(self) -> None:
        self.ended = True

    def close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def discard(self) -> None:
        """Removes everything this request wrote: a refused upload leaves no trace."""
        self.close_file()
        for ref in self._written:
            self.blobs.delete(ref)
        self.refs.clear()


async def receive_photos(request: Request, blobs: BlobStore, order_id: str, max_bytes: int) -> dict[str, str]:
    """Streams `front`, `back` and `portrait` into the blob store; returns field → blob reference."""
    mime, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise ApiError(415, "multipart_required", "send the photos as multipart/form-data: front, back and portrait")
    limit = len(PHOTO_FIELDS) * max_bytes + _OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "upload_too_large", f"at most {_megabytes(max_bytes)} per photo")

    parts = _PhotoParts(blobs, order_id, max_bytes)
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise ApiError(413, "upload_too_large", f"at most {_megabytes(max_bytes)} per photo")
            # File writes block: they run on a worker thread, one chunk at a time.
            await anyio.to_thread.run_sync(parser.write, chunk)
        parser.finalize()
        if not parts.ended:
            raise ApiError(422, "malformed_upload", "the upload ended before its last part")
        missing = [name for name in PHOTO_FIELDS if name not in parts.refs]
        if missing:
            raise ApiError(422, "photos_missing", f"three photos are needed; missing: {', '.join(missing)}")
        return dict(parts.refs)
    except MultipartParseError:
        parts.discard()
        raise ApiError(422, "malformed_upload", "the multipart body could not be read") from None
    except ClientDisconnect:
        parts.discard()
        raise ApiError(422, "upload_interrupted", "the upload was interrupted; send the photos again") from None
    except BaseException:
        parts.discard()
        raise
    finally:
        parts.close_file()


def discard_refs(blobs: BlobStore, refs: dict[str, str]) -> None:
    """Deletes uploaded photos the workflow never received (its update was refused)."""
    for ref in refs.values():
        blobs.delete(ref)
