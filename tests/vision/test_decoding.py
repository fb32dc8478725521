"""Uploads that are no usable photo are refused with a reason, before any pixel is decoded."""

import struct
import zlib

import numpy as np
import pytest

from activities.vision.decoding import ImageLimits, ImageRejected, decode
from activities.vision.reasons import ImageProblem
from synthetic_ids import photos

LIMITS = ImageLimits(max_bytes=2_000_000, max_pixels=2_000_000, min_side=480)


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return photos.table(seed=3)  # 1600 x 1200


def rejected(data: bytes, limits: ImageLimits = LIMITS) -> ImageProblem:
    with pytest.raises(ImageRejected) as caught:
        decode(data, limits)
    return caught.value.problem


def test_jpeg_and_png_decode(photo: np.ndarray) -> None:
    assert decode(photos.jpeg(photo), LIMITS).shape == (1200, 1600, 3)
    assert decode(photos.png(photo[:600, :800]), LIMITS).shape == (600, 800, 3)


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4\n" + b"0" * 4000, bytes(range(256)) * 40, b"GIF89a" + b"\x00" * 100],
    ids=["empty", "pdf", "random", "gif"],
)
def test_not_an_image(data: bytes) -> None:
    assert rejected(data) is ImageProblem.NOT_AN_IMAGE


def test_truncated_upload(photo: np.ndarray) -> None:
    data = photos.jpeg(photo)
    assert rejected(data[: len(data) * 2 // 3]) is ImageProblem.TRUNCATED
    png = photos.png(photo[:600, :800])
    assert rejected(png[: len(png) - 100]) is ImageProblem.TRUNCATED


def test_too_small(photo: np.ndarray) -> None:
    assert rejected(photos.jpeg(photo[:400, :600])) is ImageProblem.TOO_SMALL


def test_too_many_bytes(photo: np.ndarray) -> None:
    data = photos.jpeg(photo)
    assert rejected(data, ImageLimits(max_bytes=len(data) - 1)) is ImageProblem.TOO_LARGE


def test_too_many_pixels_is_refused_from_the_header(photo: np.ndarray) -> None:
    data = photos.jpeg(photo)  # 1.9 MP
    assert rejected(data, ImageLimits(max_pixels=1_000_000)) is ImageProblem.TOO_LARGE


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_decompression_bomb_is_refused_without_decoding() -> None:
    # A well-formed PNG of a few hundred bytes that claims 30000 x 30000 pixels.
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _chunk(b"IEND", b"")
    )
    assert len(bomb) < 1000
    assert rejected(bomb, ImageLimits()) is ImageProblem.TOO_LARGE
