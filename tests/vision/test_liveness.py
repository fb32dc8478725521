"""The liveness check on frame sequences made from real faces: live turns pass, a still or a swap fails."""

import numpy as np
import pytest

from activities.vision.head_pose import estimate
from activities.vision.liveness import LivenessModels, check
from activities.vision.models import VisionModels
from orderflow.contract.liveness import ChallengeStep, LivenessReason, LivenessResult
from synthetic_ids.head_turns import face_landmarks
from synthetic_ids.liveness_frames import LEFT_THEN_RIGHT, LOOK_UP, RIGHT_THEN_LEFT, TIMES_MS, head, sequence, still

LEFT_RIGHT = [ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT]
RIGHT_LEFT = [ChallengeStep.TURN_RIGHT, ChallengeStep.TURN_LEFT]


def run(frames: list[np.ndarray], steps: list[ChallengeStep], models: LivenessModels) -> LivenessResult:
    result, _ = check(frames, TIMES_MS[: len(frames)], steps, models)
    return result


@pytest.mark.parametrize("stem", ["obama_1", "biden_1"])
def test_the_synthetic_turn_is_a_measurable_yaw_change(stem: str) -> None:
    # The precondition of every test below: warping the photo must move solvePnP's yaw the asked way.
    model = head(stem)
    size = (model.image.shape[1], model.image.shape[0])
    poses = {yaw: estimate(face_landmarks(model.turned(yaw=yaw)), size) for yaw in (-30, 0, 30)}
    assert all(pose is not None for pose in poses.values())
    assert poses[30].yaw - poses[0].yaw >= 10  # type: ignore[union-attr]
    assert poses[-30].yaw - poses[0].yaw <= -10  # type: ignore[union-attr]
    up = estimate(face_landmarks(model.turned(pitch=30)), size)
    assert up is not None and up.pitch - poses[0].pitch >= 8  # type: ignore[union-attr]


@pytest.mark.parametrize("stem", ["obama_1", "biden_1"])
@pytest.mark.parametrize(
    ("angles", "steps"),
    [(LEFT_THEN_RIGHT, LEFT_RIGHT), (RIGHT_THEN_LEFT, RIGHT_LEFT), (LOOK_UP, [ChallengeStep.LOOK_UP])],
    ids=["left-right", "right-left", "look-up"],
)
def test_a_head_that_follows_the_challenge_passes(
    stem: str, angles: list[tuple[int, int]], steps: list[ChallengeStep], liveness_models: LivenessModels
) -> None:
    result, frontal = check(sequence(stem, angles), TIMES_MS[: len(angles)], steps, liveness_models)
    assert result.passed, result
    assert result.reasons == []
    assert frontal is not None and abs(angles[frontal][0]) + abs(angles[frontal][1]) <= 10
    assert result.max_face_distance is not None and result.max_face_distance <= result.face_threshold * 1.5  # type: ignore[operator]


@pytest.mark.parametrize("stem", ["obama_1", "biden_1"])
def test_turns_in_the_wrong_order_fail(stem: str, liveness_models: LivenessModels) -> None:
    result = run(sequence(stem, RIGHT_THEN_LEFT), LEFT_RIGHT, liveness_models)
    assert not result.passed
    assert result.reasons == [LivenessReason.CHALLENGE_NOT_FOLLOWED.value]


def test_a_turn_when_asked_to_look_up_fails(liveness_models: LivenessModels) -> None:
    result = run(sequence("obama_1", LEFT_THEN_RIGHT), [ChallengeStep.LOOK_UP], liveness_models)
    assert result.reasons == [LivenessReason.CHALLENGE_NOT_FOLLOWED.value]


def test_a_still_photo_repeated_fails(liveness_models: LivenessModels) -> None:
    result = run(still("obama_1", 10), LEFT_RIGHT, liveness_models)
    assert not result.passed
    assert LivenessReason.DUPLICATE_FRAMES.value in result.reasons
    assert LivenessReason.CHALLENGE_NOT_FOLLOWED.value in result.reasons


def test_a_still_photo_with_camera_noise_fails_the_challenge(liveness_models: LivenessModels) -> None:
    # A photo held in front of a camera: every frame differs a little, but the head never turns.
    result = run(sequence("obama_1", [(0, 0)] * 10), LEFT_RIGHT, liveness_models)
    assert result.reasons == [LivenessReason.CHALLENGE_NOT_FOLLOWED.value]


def test_a_different_face_doing_a_turn_fails(liveness_models: LivenessModels) -> None:
    obama, biden = sequence("obama_1", LEFT_THEN_RIGHT), sequence("biden_1", LEFT_THEN_RIGHT, seed=1)
    result = run(obama[:6] + biden[6:10] + obama[10:], LEFT_RIGHT, liveness_models)
    assert not result.passed
    assert LivenessReason.FACE_CHANGED.value in result.reasons
    assert result.max_face_distance is not None and result.max_face_distance > result.face_threshold * 1.5  # type: ignore[operator]


def test_frames_sent_all_at_once_fail(liveness_models: LivenessModels) -> None:
    frames = sequence("obama_1", LEFT_THEN_RIGHT)
    result, _ = check(frames, [i * 5.0 for i in range(len(frames))], LEFT_RIGHT, liveness_models)
    assert result.reasons == [LivenessReason.TOO_FAST.value]


def test_a_dawdling_capture_fails(liveness_models: LivenessModels) -> None:
    frames = sequence("obama_1", LEFT_THEN_RIGHT)
    result, _ = check(frames, [i * 3000.0 for i in range(len(frames))], LEFT_RIGHT, liveness_models)
    assert result.reasons == [LivenessReason.TOO_SLOW.value]


def test_a_frame_without_a_face_fails(liveness_models: LivenessModels) -> None:
    frames = sequence("obama_1", LEFT_THEN_RIGHT)
    frames[0] = np.full_like(frames[0], 90)  # the camera still warming up: no face where tracking could start
    result = run(frames, LEFT_RIGHT, liveness_models)
    assert LivenessReason.NO_FACE.value in result.reasons


@pytest.fixture(scope="module")
def liveness_models(vision_models: VisionModels) -> LivenessModels:
    from activities.vision.head_pose import load_landmark_model

    return LivenessModels(vision_models, load_landmark_model())
