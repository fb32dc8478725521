"""Signs of a live capture that need no face: frames spread over natural time, and no two frames alike.

A camera never delivers the same picture twice: sensor noise alone changes every pixel a little.
Identical frames mean a still image was fed in digitally (one picture sent again and again). A still
photo re-encoded between frames, or filmed off a screen, differs from a live face holding still by
about as much as camera noise (~0.3-0.5 grey levels on the thumbnail), so this check does not claim
to catch it: the challenge does, since a still image cannot turn its head.
A real capture of 8-15 frames takes seconds; frames a few milliseconds apart were not taken by a
person following a challenge, and a capture that dawdles for long pauses is not a live one either.
"""

from itertools import combinations

import cv2
import numpy as np

from orderflow.contract.liveness import LivenessReason

MIN_GAP_MS = 40.0  # webcams deliver 15-30 frames a second; the page samples every ~250-400 ms
MAX_GAP_MS = 2500.0
MIN_SPAN_MS = 1500.0  # nobody turns their head left and right in less
MAX_SPAN_MS = 12000.0
THUMB_SIDE = 128
DUPLICATE_MEAN_DIFFERENCE = 0.1  # grey levels; a re-sent frame is 0, a live face holding still ~0.5


def timing_problem(timestamps_ms: list[float]) -> LivenessReason | None:
    gaps = np.diff(np.asarray(timestamps_ms, dtype=np.float64))
    span = float(timestamps_ms[-1] - timestamps_ms[0]) if timestamps_ms else 0.0
    if gaps.size == 0 or float(gaps.min()) < MIN_GAP_MS or span < MIN_SPAN_MS:
        return LivenessReason.TOO_FAST  # also frames out of order: a negative gap
    if float(gaps.max()) > MAX_GAP_MS or span > MAX_SPAN_MS:
        return LivenessReason.TOO_SLOW
    return None


def thumbnail(image: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (THUMB_SIDE, THUMB_SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)


def has_near_duplicates(thumbnails: list[np.ndarray]) -> bool:
    """Any two frames, not only neighbours: a still frame repeated at the end is caught too."""
    return any(
        float(np.mean(np.abs(first - second))) < DUPLICATE_MEAN_DIFFERENCE
        for first, second in combinations(thumbnails, 2)
    )
