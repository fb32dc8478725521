"""Did the head make the asked movements, in the asked order, and no others? Poses are compared with the first frame's.

A webcam's true focal length and the customer's natural posture shift every angle alike, so each
movement is measured against where the head started, not against zero. Every frame is labelled
with the movement it shows (a turn or looking up, whichever axis moved further past its threshold,
or none); runs of one label count once and frames back at the start separate them. The
movements made must be exactly the asked ones: "right, then left" does not answer "left, then
right", and a recording that runs through every movement answers no challenge at all.
"""

from activities.vision.head_pose import HeadPose
from orderflow.contract.liveness import ChallengeStep

TURN_DEGREES = 10.0  # measured yaw change that counts as a turn (a real turn to check a side mirror is ~30-45)
LOOK_UP_DEGREES = 8.0  # pitch moves less than yaw for the same effort


def movement(start: HeadPose, pose: HeadPose | None) -> ChallengeStep | None:
    if pose is None:
        return None
    # Each axis in units of its own threshold; the larger one says what the head is doing, since
    # looking up moves the fitted yaw a little too, and turning moves the pitch.
    turn, up = (pose.yaw - start.yaw) / TURN_DEGREES, (pose.pitch - start.pitch) / LOOK_UP_DEGREES
    if max(abs(turn), up) < 1:
        return None
    if abs(turn) >= up:
        return (
            ChallengeStep.TURN_LEFT if turn > 0 else ChallengeStep.TURN_RIGHT
        )  # the customer's left is the image's right
    return ChallengeStep.LOOK_UP


def movements_made(poses: list[HeadPose | None]) -> list[ChallengeStep]:
    start = poses[0] if poses else None
    if start is None:
        return []
    made: list[ChallengeStep] = []
    for pose in poses[1:]:
        step = movement(start, pose)
        if step is not None and (not made or made[-1] != step):
            made.append(step)
    return made


def followed(steps: list[ChallengeStep], poses: list[HeadPose | None]) -> bool:
    return bool(steps) and movements_made(poses) == steps


def peak(step: ChallengeStep, poses: list[HeadPose | None]) -> int:
    """The frame where the head went furthest in the step's direction (0 when there is no pose)."""
    start = poses[0]
    if start is None:
        return 0
    sign = -1.0 if step == ChallengeStep.TURN_RIGHT else 1.0

    def distance(index: int) -> float:
        pose = poses[index]
        if pose is None:
            return float("-inf")
        return sign * (pose.pitch - start.pitch if step == ChallengeStep.LOOK_UP else pose.yaw - start.yaw)

    return max(range(len(poses)), key=distance)
