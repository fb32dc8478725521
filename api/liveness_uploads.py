"""Liveness frames from a multipart body: a few small camera frames, checked before anything is stored.

Fields: `challenge_id`, `timestamps` (capture times in milliseconds, comma-separated, one per frame)
and `frame` once per frame, in capture order. The whole body is bounded (frames x size + a little),
so it is read into memory and refused at the first byte over; every frame must be a JPEG or PNG of
sensible size, judged by its own first bytes and header (Pillow reads the header, not the pixels).
"""

import io
from dataclasses import dataclass, field

from PIL import Image
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from api.errors import ApiError
from api.uploads import sniff
from orderflow.blobs import BlobStore
from orderflow.contract.liveness import MAX_FRAME_BYTES, MAX_FRAME_SIDE, MAX_FRAMES, MIN_FRAME_SIDE, MIN_FRAMES

BODY_LIMIT = MAX_FRAMES * MAX_FRAME_BYTES + 64 * 1024  # frames plus headers, boundaries and the two text fields
TEXT_LIMIT = 4096


@dataclass
class LivenessUpload:
    challenge_id: str
    timestamps_ms: list[float]
    frames: list[tuple[str, bytes]]  # blob extension, bytes


@dataclass
class _Parts:
    texts: dict[str, bytearray] = field(default_factory=dict)
    frames: list[bytearray] = field(default_factory=list)
    name: str = ""
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    disposition: bytes = b""

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self.header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self.header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
        }

    def _begin(self) -> None:
        self.disposition, self.name = b"", ""

    def _header_end(self) -> None:
        if bytes(self.header_field).strip().lower() == b"content-disposition":
            self.disposition = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self.disposition)
        self.name = params.get(b"name", b"").decode("latin-1")
        if self.name == "frame":
            if len(self.frames) >= MAX_FRAMES:
                raise ApiError(422, "too_many_frames", f"at most {MAX_FRAMES} frames")
            self.frames.append(bytearray())
        elif self.name in ("challenge_id", "timestamps"):
            self.texts[self.name] = bytearray()

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.name == "frame":
            frame = self.frames[-1]
            frame.extend(data[start:end])
            if len(frame) > MAX_FRAME_BYTES:
                raise ApiError(413, "frame_too_large", f"a frame may have at most {MAX_FRAME_BYTES // 1000} kB")
        elif self.name in self.texts:
            text = self.texts[self.name]
            text.extend(data[start:end])
            if len(text) > TEXT_LIMIT:
                raise ApiError(422, "field_too_long", f"{self.name} is too long")


async def read_liveness_upload(request: Request) -> LivenessUpload:
    mime, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise ApiError(415, "multipart_required", "send the frames as multipart/form-data")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > BODY_LIMIT:
        raise ApiError(413, "upload_too_large", f"at most {MAX_FRAMES} frames of {MAX_FRAME_BYTES // 1000} kB")
    parts = _Parts()
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > BODY_LIMIT:
                raise ApiError(413, "upload_too_large", f"at most {MAX_FRAMES} frames of {MAX_FRAME_BYTES // 1000} kB")
            parser.write(chunk)  # in memory only, bounded above: no thread needed
        parser.finalize()
    except MultipartParseError:
        raise ApiError(422, "malformed_upload", "the multipart body could not be read") from None
    except ClientDisconnect:
        raise ApiError(422, "upload_interrupted", "the upload was interrupted; try again") from None
    return _validated(parts)


def _validated(parts: _Parts) -> LivenessUpload:
    challenge_id = parts.texts.get("challenge_id", bytearray()).decode("utf-8", "replace").strip()
    if not challenge_id:
        raise ApiError(422, "challenge_missing", "challenge_id is required")
    if len(parts.frames) < MIN_FRAMES:
        raise ApiError(422, "too_few_frames", f"at least {MIN_FRAMES} frames are needed")
    try:
        raw = parts.texts.get("timestamps", bytearray()).decode("ascii")
        timestamps = [float(value) for value in raw.split(",") if value.strip()]
    except (UnicodeDecodeError, ValueError):
        raise ApiError(422, "timestamps_invalid", "timestamps must be comma-separated milliseconds") from None
    if len(timestamps) != len(parts.frames):
        raise ApiError(422, "timestamps_invalid", "one timestamp per frame is required")
    frames = [(_check_frame(index, bytes(data)), bytes(data)) for index, data in enumerate(parts.frames)]
    return LivenessUpload(challenge_id=challenge_id, timestamps_ms=timestamps, frames=frames)


def _check_frame(index: int, data: bytes) -> str:
    extension = sniff(data[:8])
    if extension is None:
        raise ApiError(415, "unsupported_image", f"frame {index + 1}: only JPEG or PNG frames are accepted")
    try:
        width, height = Image.open(io.BytesIO(data)).size
    except Exception:  # Pillow raises many types for bytes that are no image at all
        raise ApiError(422, "frame_unreadable", f"frame {index + 1}: not a readable image") from None
    if max(width, height) > MAX_FRAME_SIDE or min(width, height) < MIN_FRAME_SIDE:
        raise ApiError(
            422,
            "frame_size",
            f"frame {index + 1}: {width} x {height} px; frames must be {MIN_FRAME_SIDE}-{MAX_FRAME_SIDE} px a side",
        )
    return extension


def store_frames(blobs: BlobStore, order_id: str, upload: LivenessUpload) -> list[str]:
    refs = []
    for extension, data in upload.frames:
        ref = blobs.new_ref(order_id, extension)
        blobs.write_chunks(ref, [data])
        refs.append(ref)
    return refs
