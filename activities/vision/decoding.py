"""Upload bytes → an image, or the reason it is not one. Limits are checked before pixels are decoded.

Pillow reads only the header to learn the format and size, so a decompression bomb (a tiny file that
claims 50,000 x 50,000 pixels) is refused without allocating it. OpenCV then decodes the pixels.
"""

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from activities.vision.reasons import ImageProblem

_FORMATS = {"JPEG", "PNG"}


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 15_000_000
    max_pixels: int = 40_000_000
    min_side: int = 480  # the shorter side


class ImageRejected(Exception):
    def __init__(self, problem: ImageProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _is_complete(data: bytes, image_format: str) -> bool:
    # A JPEG ends with the EOI marker, a PNG with its IEND chunk; an upload cut short lacks them.
    # Some cameras append a few bytes after EOI, so look near the end rather than at it.
    tail = data[-64:]
    if image_format == "JPEG":
        return b"\xff\xd9" in tail
    return b"IEND" in tail


def decode(data: bytes, limits: ImageLimits) -> np.ndarray:
    """BGR pixels of an uploaded photo; raises ImageRejected with the reason it cannot be used."""
    if len(data) > limits.max_bytes:
        raise ImageRejected(ImageProblem.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(data))
            image_format, (width, height) = header.format, header.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(ImageProblem.TOO_LARGE) from None
    except Exception:  # Pillow raises many types for bytes that are no image at all
        raise ImageRejected(ImageProblem.NOT_AN_IMAGE) from None
    if image_format not in _FORMATS:
        raise ImageRejected(ImageProblem.NOT_AN_IMAGE)
    if width * height > limits.max_pixels:
        raise ImageRejected(ImageProblem.TOO_LARGE)
    if min(width, height) < limits.min_side:
        raise ImageRejected(ImageProblem.TOO_SMALL)
    if not _is_complete(data, image_format):
        raise ImageRejected(ImageProblem.TRUNCATED)
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise ImageRejected(ImageProblem.NOT_AN_IMAGE)
    return pixels


def shrink(image: np.ndarray, longest_side: int) -> tuple[np.ndarray, float]:
    """A copy no longer than `longest_side`, and the factor that maps its coordinates back."""
    scale = longest_side / max(image.shape[:2])
    if scale >= 1:
        return image, 1.0
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return small, 1 / scale
