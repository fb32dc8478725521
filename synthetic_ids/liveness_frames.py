"""Frame sequences for the liveness tests and the benchmark, made from the real test portraits."""

from functools import cache
from pathlib import Path

import cv2
import numpy as np

from synthetic_ids.head_turns import HeadModel, face_landmarks

FACES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces"
FRAME_SIZE = (480, 640)  # width, height: a phone's portrait selfie as the ident page captures it
# Warp angles (yaw, pitch) per frame; the landmark fit measures roughly 0.7-0.9 times these.
LEFT_THEN_RIGHT = [(0, 0), (0, 0), (10, 0), (20, 0), (30, 0), (20, 0), (0, 0), (-15, 0), (-30, 0), (-15, 0), (0, 0)]
RIGHT_THEN_LEFT = [(-yaw, pitch) for yaw, pitch in LEFT_THEN_RIGHT]
LOOK_UP = [(0, 0), (0, 0), (0, 10), (0, 20), (0, 30), (0, 20), (0, 10), (0, 0)]
TIMES_MS = [i * 350.0 for i in range(20)]


@cache
def head(stem: str) -> HeadModel:
    return HeadModel(selfie_framing(cv2.imread(str(FACES / f"{stem}.jpg"))))


def selfie_framing(image: np.ndarray) -> np.ndarray:
    """Cropped the way a selfie camera frames a face (about 40 % of the width), at the page's frame size."""
    points = face_landmarks(image)
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    face_width = right - left
    width = 2.4 * face_width
    height = width * FRAME_SIZE[1] / FRAME_SIZE[0]
    cx, cy = (left + right) / 2, (top + bottom) / 2 - 0.1 * height
    # Edge pixels are repeated where the photo ends before the crop does.
    padded = cv2.copyMakeBorder(image, *(int(height),) * 2, *(int(width),) * 2, cv2.BORDER_REPLICATE)
    x0, y0 = int(cx - width / 2 + int(width)), int(cy - height / 2 + int(height))
    crop = padded[y0 : y0 + int(height), x0 : x0 + int(width)]
    return cv2.resize(crop, FRAME_SIZE, interpolation=cv2.INTER_AREA if width > FRAME_SIZE[0] else cv2.INTER_CUBIC)


def sequence(stem: str, angles: list[tuple[int, int]], seed: int = 0) -> list[np.ndarray]:
    """The head turned through `angles`, with a camera's sensor noise on every frame."""
    rng = np.random.default_rng(seed)
    model = head(stem)
    frames = []
    for yaw, pitch in angles:
        frame = model.turned(yaw=yaw, pitch=pitch).astype(np.float32)
        frame += rng.normal(0, 2.0, frame.shape).astype(np.float32)
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    return frames


def still(stem: str, count: int) -> list[np.ndarray]:
    """One photo sent again and again: what a replayed still image looks like."""
    return [head(stem).image.copy() for _ in range(count)]


def jpeg(frame: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return data.tobytes()
