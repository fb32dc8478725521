"""Finding and judging the document outline."""

import numpy as np

from activities.vision.document import DocumentOutline, _order_corners, _side_ratio, _skew_degrees, find_document
from activities.vision.reasons import ImageProblem
from synthetic_ids import photos


def outline(corners: list[list[float]]) -> DocumentOutline:
    ordered = _order_corners(np.array(corners, dtype=np.float32))
    return DocumentOutline(ordered, in_frame=True, skew_degrees=_skew_degrees(ordered), side_ratio=_side_ratio(ordered))


def test_a_card_seen_from_above_is_fine() -> None:
    assert outline([[100, 100], [956, 110], [950, 650], [96, 640]]).problems == []


def test_a_steep_angle_is_too_much_perspective() -> None:
    steep = outline([[300, 100], [700, 100], [1000, 600], [0, 600]])  # a trapezoid: the card leans far back
    assert steep.problems == [ImageProblem.PERSPECTIVE]


def test_corners_come_out_with_the_long_side_on_top_whatever_the_start() -> None:
    upright = _order_corners(
        np.array([[500, 100], [500, 956], [-40, 956], [-40, 100]], dtype=np.float32)
    )  # held in portrait
    top = np.linalg.norm(upright[1] - upright[0])
    side = np.linalg.norm(upright[3] - upright[0])
    assert top > side


def test_an_empty_table_has_no_document() -> None:
    gray = photos.table(seed=9)[:, :, 1]
    assert find_document(np.ascontiguousarray(gray[::2, ::2])) is None
