"""Faces: find them with dlib's HOG detector, align them with its 5-point landmarks, embed them with deepface.

Detection runs on a copy of at most 480 px (a selfie's face is large; a card photo's face is found on
the flattened card, where its printed portrait is still about 130 px wide at that size), which takes
about 10 ms, half of what 640 px took, and the seconds the full photo would. The face is then cut
from a sharper copy and aligned the way dlib's ResNet was trained (`get_face_chip`), and deepface
computes its embedding.
"""

from dataclasses import dataclass

import cv2
import dlib
import numpy as np

from activities.vision.decoding import shrink
from activities.vision.models import VisionModels

DETECT_SIDE = 480
CHIP_SOURCE_SIDE = 1000  # faces are cut from a copy this size; more detail does not change the embedding
MIN_SCORE = 0.2  # HOG scores start at 0; weaker hits are mostly patterned clothing or curtains


@dataclass(frozen=True)
class Face:
    box: tuple[float, float, float, float]  # left, top, right, bottom in the coordinates of the given image
    score: float


def detect(image: np.ndarray, models: VisionModels, *, small_faces: bool = True) -> list[Face]:
    """Faces of at least ~80 px on the working copy; with `small_faces`, down to ~40 px (four times slower)."""
    small, back = shrink(image, DETECT_SIDE)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    with models.dlib_lock:
        rects, scores, _ = models.face_detector.run(gray, 0)
        if not rects and small_faces:  # look again at twice the resolution
            rects, scores, _ = models.face_detector.run(gray, 1)
    return [
        Face((r.left() * back, r.top() * back, r.right() * back, r.bottom() * back), float(s))
        for r, s in zip(rects, scores, strict=True)
        if s >= MIN_SCORE
    ]


def chip(image: np.ndarray, face: Face, models: VisionModels) -> np.ndarray:
    """The face aligned and cropped to 150 x 150 (BGR), as dlib's face descriptor expects it. Only the
    part of the photo around the face is scaled (as a copy CHIP_SOURCE_SIDE long would be) and turned
    to RGB: the chip reaches a quarter of the landmarks' span beyond them, well inside that part."""
    height, width = image.shape[:2]
    scale = min(1.0, CHIP_SOURCE_SIDE / max(height, width))
    left, top, right, bottom = face.box
    margin = right - left
    x0, y0 = max(0, int(left - margin)), max(0, int(top - margin))
    x1, y1 = min(width, int(right + margin) + 1), min(height, int(bottom + margin) + 1)
    region = image[y0:y1, x0:x1]
    if scale < 1:
        size = (max(1, round(region.shape[1] * scale)), max(1, round(region.shape[0] * scale)))
        region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(region, cv2.COLOR_BGR2RGB)
    box = dlib.rectangle(
        *(round(v) for v in ((left - x0) * scale, (top - y0) * scale, (right - x0) * scale, (bottom - y0) * scale))
    )
    with models.dlib_lock:
        landmarks = models.shape_predictor(rgb, box)
        aligned = dlib.get_face_chip(rgb, landmarks, size=150, padding=0.25)
    return cv2.cvtColor(aligned, cv2.COLOR_RGB2BGR)


def embed(image: np.ndarray, face: Face, models: VisionModels) -> np.ndarray:
    return models.embed(chip(image, face, models))
