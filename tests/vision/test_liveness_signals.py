"""Timing, duplicate and challenge-order rules on their own, without faces."""

import numpy as np

from activities.vision.head_pose import HeadPose
from activities.vision.liveness_challenge import followed, movements_made, peak
from activities.vision.liveness_signals import has_near_duplicates, thumbnail, timing_problem
from orderflow.contract.liveness import ChallengeStep, LivenessReason

LEFT, RIGHT, UP = ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT, ChallengeStep.LOOK_UP


def poses(*yaws: float, pitch: float = 0.0) -> list[HeadPose | None]:
    return [HeadPose(yaw=yaw, pitch=pitch) for yaw in yaws]


def test_steps_count_only_in_the_asked_order() -> None:
    left_then_right = poses(0, 8, 15, 5, -12, 0)
    assert followed([LEFT, RIGHT], left_then_right)
    assert not followed([RIGHT, LEFT], left_then_right)
    assert peak(LEFT, left_then_right) == 2 and peak(RIGHT, left_then_right) == 4


def test_movement_is_measured_from_the_first_frame() -> None:
    # A customer who starts turned 20 degrees and turns back to the front has turned right.
    assert followed([RIGHT], poses(20, 15, 8))
    assert not followed([LEFT], poses(20, 25, 28))


def test_a_missing_pose_is_no_step() -> None:
    assert not followed([UP], [HeadPose(0, 0), None, HeadPose(0, 5)])
    assert followed([UP], [HeadPose(0, 0), None, HeadPose(0, 9)])
    assert not followed([UP], [None, HeadPose(0, 20)])


def test_a_recording_of_every_movement_answers_no_challenge() -> None:
    # Left, right, up, left, right contains every ordered pair of two movements as a subsequence.
    everything = [HeadPose(0, 0), HeadPose(15, 0), HeadPose(0, 0), HeadPose(-15, 0), HeadPose(0, 0), HeadPose(0, 12)]
    everything += [HeadPose(0, 0), HeadPose(15, 0), HeadPose(0, 0), HeadPose(-15, 0)]
    for first in ChallengeStep:
        for second in ChallengeStep:
            if first != second:
                assert not followed([first, second], everything)
    assert movements_made(everything) == [LEFT, RIGHT, UP, LEFT, RIGHT]


def test_holding_a_turn_or_passing_through_the_middle_is_one_movement() -> None:
    assert movements_made(poses(0, 12, 20, 14, 3, 11, -2, -12, -25, -11)) == [LEFT, RIGHT]


def test_timing() -> None:
    assert timing_problem([i * 350.0 for i in range(10)]) is None
    assert timing_problem([i * 10.0 for i in range(10)]) == LivenessReason.TOO_FAST
    assert timing_problem([0, 500, 400, 900, 1400, 1900, 2400]) == LivenessReason.TOO_FAST  # out of order
    assert timing_problem([0, 300, 600, 900, 4000, 4300]) == LivenessReason.TOO_SLOW  # a long pause
    assert timing_problem([i * 1500.0 for i in range(10)]) == LivenessReason.TOO_SLOW  # 13.5 s in all


def test_identical_frames_are_duplicates_and_noisy_ones_are_not() -> None:
    rng = np.random.default_rng(0)
    scene = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    noisy = np.clip(scene + rng.normal(0, 2.0, scene.shape), 0, 255).astype(np.uint8)
    other = np.clip(scene + rng.normal(0, 2.0, scene.shape), 0, 255).astype(np.uint8)
    assert has_near_duplicates([thumbnail(scene), thumbnail(noisy), thumbnail(scene)])
    assert not has_near_duplicates([thumbnail(noisy), thumbnail(other)])
