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


def mrz_lines(gray: np.ndarray, zone: MrzZone) -> list[np.ndarray]:
    """Each MRZ line found, as tall as its characters: print from end to end, no margin."""
    return [gray[y : y + h, x : x + w] for x, y, w, h in zone.boxes]


def mrz_band(gray: np.ndarray, zone: MrzZone) -> np.ndarray:
    """Across the document from a line height above the lines found to one below: most of a line that
    a reflection has washed away, and so was not found, lies in it too."""
    line_height = max(h for _, _, _, h in zone.boxes)
    top = min(y for _, y, _, _ in zone.boxes) - line_height
    bottom = max(y + h for _, y, _, h in zone.boxes) + line_height
    return gray[max(0, top) : min(gray.shape[0], bottom), :]


def line_height(zone: MrzZone) -> int:
    return max(h for _, _, _, h in zone.boxes)


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
