"""The parts of a flattened document that a check reads: the MRZ lines and the printed portrait.

Glare or blur there stops the check; anywhere else on the card it does not. Coordinates are those
of the upright flattened document.
"""

import cv2
import numpy as np

from activities.vision.faces import Face
from activities.vision.mrz_zone import MrzZone

Box = tuple[int, int, int, int]  # left, top, right, bottom

FACE_SIDE = 160  # the printed portrait is measured at this size, whatever the document's format


def mrz_box(zone: MrzZone, shape: tuple[int, ...]) -> Box:
    """The MRZ lines found, with the margin the reader crops around them."""
    height, width = shape[:2]
    line_height = max(h for _, _, _, h in zone.boxes)
    left = min(x for x, _, _, _ in zone.boxes) - line_height
    right = max(x + w for x, _, w, _ in zone.boxes) + line_height
    top = min(y for _, y, _, _ in zone.boxes) - line_height // 2
    bottom = max(y + h for _, y, _, h in zone.boxes) + line_height // 2
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def face_box(face: Face, shape: tuple[int, ...]) -> Box:
    height, width = shape[:2]
    left, top, right, bottom = (int(round(v)) for v in face.box)
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def crop(gray: np.ndarray, box: Box) -> np.ndarray:
    left, top, right, bottom = box
    region = gray[top:bottom, left:right]
    return region if region.size else gray


def face_region(gray: np.ndarray, face: Face) -> np.ndarray:
    """The face at a fixed size, so sharpness compares across photos and formats."""
    return cv2.resize(crop(gray, face_box(face, gray.shape)), (FACE_SIDE, FACE_SIDE), interpolation=cv2.INTER_AREA)
