"""Did the head move as the challenge asked, in the asked order? Poses are compared with the first frame's.

A webcam's true focal length and the customer's natural posture shift every angle alike, so each
step is measured against where the head started, not against zero. A step counts when the head
reaches it in a frame after the previous step was reached; a turn the other way first does not undo
that, but it does not count either, so "right, then left" never answers "left, then right".
"""

from activities.vision.head_pose import HeadPose
from orderflow.liveness import ChallengeStep

TURN_DEGREES = 10.0  # measured yaw change that counts as a turn (a real turn to check a side mirror is ~30-45)
LOOK_UP_DEGREES = 8.0  # pitch moves less than yaw for the same effort


def reached(step: ChallengeStep, start: HeadPose, pose: HeadPose) -> bool:
    yaw, pitch = pose.yaw - start.yaw, pose.pitch - start.pitch
    if step == ChallengeStep.TURN_LEFT:  # the customer's left is the image's right
        return yaw >= TURN_DEGREES
    if step == ChallengeStep.TURN_RIGHT:
        return yaw <= -TURN_DEGREES
    return pitch >= LOOK_UP_DEGREES


def followed(steps: list[ChallengeStep], poses: list[HeadPose | None]) -> bool:
    """True when every step is reached in order, each in a later frame than the one before."""
    if not steps or not poses or poses[0] is None:
        return False
    start = poses[0]
    frame = 1
    for step in steps:
        while frame < len(poses) and not _reached_at(step, start, poses[frame]):
            frame += 1
        if frame >= len(poses):
            return False
        frame += 1
    return True


def _reached_at(step: ChallengeStep, start: HeadPose, pose: HeadPose | None) -> bool:
    return pose is not None and reached(step, start, pose)


def peak(step: ChallengeStep, poses: list[HeadPose | None]) -> int:
    """The frame where the head went furthest in the step's direction (0 when there is no pose)."""
    start = poses[0]
    if start is None:
        return 0
    sign = {ChallengeStep.TURN_LEFT: 1.0, ChallengeStep.TURN_RIGHT: -1.0, ChallengeStep.LOOK_UP: 1.0}[step]

    def movement(index: int) -> float:
        pose = poses[index]
        if pose is None:
            return float("-inf")
        return sign * (pose.pitch - start.pitch if step == ChallengeStep.LOOK_UP else pose.yaw - start.yaw)

    return max(range(len(poses)), key=movement)
