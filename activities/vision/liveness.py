"""The liveness check of a challenge-and-response capture: one face, the asked head movements, live timing.

Per frame: find the face (dlib's HOG detector on a small copy; a turned face it misses is looked for
where it was in the frame before), fit the 68 landmarks and estimate the head pose. Then: the poses
following the challenge, the capture times natural, no frame a copy of another, and one person
throughout. A still photo, or a screen showing one, cannot turn its head in an order drawn a moment ago.

One person: deepface's Dlib embedding takes ~80 ms a face, every frame would blow the one-second
budget. So the frames that carry the answer are embedded (the first, the last, the most frontal one
and the peak of every asked movement), topped up with evenly spread frames to EMBED_BUDGET; between
them, the face must move like one head (no jump in place or size from one frame to the next).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import dlib
import numpy as np

from activities.vision import head_pose
from activities.vision.decoding import shrink
from activities.vision.head_pose import HeadPose
from activities.vision.liveness_challenge import followed, peak
from activities.vision.liveness_signals import has_near_duplicates, thumbnail, timing_problem
from activities.vision.models import VisionModels
from orderflow.contract.liveness import ChallengeStep, LivenessReason, LivenessResult

# Frames further off than this from the reference are another person. deepface's threshold is for
# two photos of one face looking ahead; a turned head moves the embedding, so a little more is allowed.
TURNED_FACE_ALLOWANCE = 1.5
EMBED_BUDGET = 5
DETECT_SIDE = 360  # a selfie's face is large: a small copy finds it in ~5 ms
MAX_JUMP = 0.6  # of the face's width, between two frames ~300 ms apart
MAX_SCALE_CHANGE = 1.5


Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass
class FrameReading:
    pose: HeadPose | None
    chip: np.ndarray | None  # aligned 150 x 150 face, BGR
    box: Box | None


@dataclass
class LivenessModels:
    vision: VisionModels
    landmarks: Any  # dlib.shape_predictor, 68 points


def find_face(image: np.ndarray, models: LivenessModels, previous: Box | None) -> Box | None:
    """The one face's box; where it was before when the detector misses it; None for none or several."""
    small, back = shrink(image, DETECT_SIDE)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    with models.vision.dlib_lock:
        rects = models.vision.face_detector(gray, 0)
    if len(rects) > 1:
        return None
    if not rects:
        return previous
    r = rects[0]
    return (r.left() * back, r.top() * back, r.right() * back, r.bottom() * back)


def read_frame(image: np.ndarray, models: LivenessModels, previous: Box | None) -> FrameReading:
    box = find_face(image, models, previous)
    if box is None:
        return FrameReading(None, None, None)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    left, top, right, bottom = (round(v) for v in box)
    with models.vision.dlib_lock:
        shape = models.landmarks(rgb, dlib.rectangle(left, top, right, bottom))
        chip = dlib.get_face_chip(rgb, shape, size=150, padding=0.25)
    points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    pose = head_pose.estimate(points, (image.shape[1], image.shape[0]))
    # The next frame looks where the landmarks are now: a turned face escapes the frontal detector.
    xs, ys = points[:, 0], points[:, 1]
    pad = 0.15 * float(xs.max() - xs.min())
    landmark_box = (float(xs.min()) - pad, float(ys.min()) - 2 * pad, float(xs.max()) + pad, float(ys.max()) + pad)
    return FrameReading(pose, cv2.cvtColor(chip, cv2.COLOR_RGB2BGR), landmark_box)


def moves_like_one_head(boxes: list[Box]) -> bool:
    for before, after in zip(boxes, boxes[1:], strict=False):
        width_before, width_after = before[2] - before[0], after[2] - after[0]
        jump = np.hypot(
            (after[0] + after[2] - before[0] - before[2]) / 2, (after[1] + after[3] - before[1] - before[3]) / 2
        )
        if jump > MAX_JUMP * width_before:
            return False
        if not 1 / MAX_SCALE_CHANGE <= width_after / max(width_before, 1.0) <= MAX_SCALE_CHANGE:
            return False
    return True


def frames_to_embed(count: int, must: set[int]) -> list[int]:
    """The frames that must be embedded, topped up with evenly spread ones to EMBED_BUDGET."""
    chosen = set(must)
    for index in np.linspace(0, count - 1, num=min(count, EMBED_BUDGET)).round().astype(int):
        if len(chosen) >= EMBED_BUDGET:
            break
        chosen.add(int(index))
    return sorted(chosen)


def check(
    frames: list[np.ndarray],
    timestamps_ms: list[float],
    steps: list[ChallengeStep],
    models: LivenessModels,
    heartbeat: Callable[[], None] = lambda: None,
) -> tuple[LivenessResult, int | None]:
    """The verdict, and the index of the most frontal frame (the live portrait) when it passed."""
    reasons: list[str] = []
    timing = timing_problem(timestamps_ms)
    if timing is not None:
        reasons.append(timing.value)
    if has_near_duplicates([thumbnail(frame) for frame in frames]):
        reasons.append(LivenessReason.DUPLICATE_FRAMES.value)

    readings: list[FrameReading] = []
    box = None
    for frame in frames:
        reading = read_frame(frame, models, box)
        box = reading.box
        readings.append(reading)
        heartbeat()
    poses = [reading.pose for reading in readings]
    if any(reading.chip is None or reading.pose is None for reading in readings):
        reasons.append(LivenessReason.NO_FACE.value)
        return _result(reasons, poses, None, models), None

    start = poses[0]
    assert start is not None
    frontal = min(range(len(poses)), key=lambda i: _turn_from(start, poses[i]))
    peaks = {peak(step, poses) for step in steps}
    embedded = frames_to_embed(len(frames), {0, len(frames) - 1, frontal, *peaks})
    embeddings = {i: models.vision.embed(chip) for i in embedded if (chip := readings[i].chip) is not None}
    heartbeat()
    distances = [models.vision.distance(embeddings[frontal], embeddings[i]) for i in embedded]
    max_distance = round(max(distances), 4)
    boxes = [reading.box for reading in readings if reading.box is not None]
    if max_distance > models.vision.face_threshold * TURNED_FACE_ALLOWANCE or not moves_like_one_head(boxes):
        reasons.append(LivenessReason.FACE_CHANGED.value)
    if not followed(steps, poses):
        reasons.append(LivenessReason.CHALLENGE_NOT_FOLLOWED.value)
    return _result(reasons, poses, max_distance, models), (None if reasons else frontal)


def _turn_from(start: HeadPose, pose: HeadPose | None) -> float:
    return float("inf") if pose is None else abs(pose.yaw - start.yaw) + abs(pose.pitch - start.pitch)


def _result(
    reasons: list[str], poses: list[HeadPose | None], max_distance: float | None, models: LivenessModels
) -> LivenessResult:
    return LivenessResult(
        passed=not reasons,
        reasons=reasons,
        yaw=[None if p is None else p.yaw for p in poses],
        pitch=[None if p is None else p.pitch for p in poses],
        max_face_distance=max_distance,
        face_threshold=models.vision.face_threshold,
    )
