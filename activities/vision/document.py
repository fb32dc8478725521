"""Find the ID document in a photo and flatten it: the card's quadrilateral, warped to a fixed size.

Works on a small copy (edges are found just as well at 800 px) and warps from the full-size photo,
so the flattened document keeps the detail the MRZ reader needs.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from activities.vision.reasons import ImageProblem

# Flattened sizes at 10 px/mm: ID card (ISO/IEC 7810 ID-1, 85.6 x 54 mm) and passport page (125 x 88 mm).
CARD_SIZE = (856, 540)
PASSPORT_PAGE_SIZE = (1250, 880)
_CARD_VS_PAGE_RATIO = (85.6 / 54 + 125 / 88) / 2

MIN_AREA_SHARE = 0.12  # smaller than this, the document is too far away to read
MAX_CORNER_SKEW = 28.0  # degrees a corner may deviate from a right angle before perspective is too strong
MIN_SIDE_RATIO = 0.7  # shortest / longest of two opposite sides
_BORDER_MARGIN = 0.01


@dataclass(frozen=True)
class DocumentOutline:
    corners: np.ndarray  # 4 x 2 float32, in the coordinates of the image it was found in: TL, TR, BR, BL
    in_frame: bool
    skew_degrees: float
    side_ratio: float

    @property
    def problems(self) -> list[ImageProblem]:
        found = []
        if not self.in_frame:
            found.append(ImageProblem.NOT_IN_FRAME)
        if self.skew_degrees > MAX_CORNER_SKEW or self.side_ratio < MIN_SIDE_RATIO:
            found.append(ImageProblem.PERSPECTIVE)
        return found

    def scaled(self, factor: float) -> "DocumentOutline":
        return DocumentOutline(self.corners * factor, self.in_frame, self.skew_degrees, self.side_ratio)


def _order_corners(points: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL with the long side on top, whatever way the card was held."""
    center = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - center[1], points[:, 0] - center[0])
    ordered = points[np.argsort(angles)]  # clockwise in image coordinates, starting top-left-ish
    start = int(np.argmin(ordered.sum(axis=1)))
    ordered = np.roll(ordered, -start, axis=0)
    top = np.linalg.norm(ordered[1] - ordered[0])
    side = np.linalg.norm(ordered[3] - ordered[0])
    if side > top:  # held upright: turn so the long side is the top edge
        ordered = np.roll(ordered, -1, axis=0)
    return ordered.astype(np.float32)


def _skew_degrees(corners: np.ndarray) -> float:
    worst = 0.0
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        u, v = a - b, c - b
        cosine = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        worst = max(worst, abs(np.degrees(np.arccos(np.clip(cosine, -1, 1))) - 90))
    return worst


def _side_ratio(corners: np.ndarray) -> float:
    sides = [np.linalg.norm(corners[(i + 1) % 4] - corners[i]) for i in range(4)]
    return float(
        min(min(sides[0], sides[2]) / max(sides[0], sides[2]), min(sides[1], sides[3]) / max(sides[1], sides[3]))
    )


def _touches_border(points: np.ndarray, shape: tuple[int, ...]) -> bool:
    height, width = shape[:2]
    margin = _BORDER_MARGIN * max(height, width)
    xs, ys = points[:, 0], points[:, 1]
    return bool(
        (xs <= margin).any()
        or (ys <= margin).any()
        or (xs >= width - 1 - margin).any()
        or (ys >= height - 1 - margin).any()
    )


def find_document(gray: np.ndarray) -> DocumentOutline | None:
    """The largest card-like quadrilateral in a (small) grayscale photo, or None."""
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    median = float(np.median(blurred))
    edges = cv2.Canny(blurred, max(10.0, 0.5 * median), min(255.0, 1.2 * median + 20))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    image_area = gray.shape[0] * gray.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if area < MIN_AREA_SHARE * image_area:
            break
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2)
        if len(approx) != 4:
            # Rounded corners or a cut-off edge: fall back to the enclosing rectangle when it fits tightly.
            rect = cv2.minAreaRect(hull)
            if area < 0.85 * rect[1][0] * rect[1][1]:
                continue
            approx = cv2.boxPoints(rect)
        corners = _order_corners(approx.astype(np.float32))
        return DocumentOutline(
            corners=corners,
            in_frame=not _touches_border(hull.reshape(-1, 2), gray.shape),
            skew_degrees=_skew_degrees(corners),
            side_ratio=_side_ratio(corners),
        )
    return None


def flatten(image: np.ndarray, outline: DocumentOutline) -> np.ndarray:
    """The document warped to a fixed size: an ID card or, if its shape says so, a passport page."""
    corners = outline.corners
    width = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    height = (np.linalg.norm(corners[3] - corners[0]) + np.linalg.norm(corners[2] - corners[1])) / 2
    size = CARD_SIZE if float(width) / max(float(height), 1.0) >= _CARD_VS_PAGE_RATIO else PASSPORT_PAGE_SIZE
    target = np.array([[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_AREA)
