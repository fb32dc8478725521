"""Where a face points: yaw and pitch from dlib's 68 landmarks, fitted to a generic 3D face with solvePnP.

Six landmarks (nose tip, chin, the outer eye corners, the mouth corners) are matched to the same
points of an average head. The camera is assumed ideal: focal length = image width, centre = image
centre, no lens distortion; a webcam's true values change the angles by a few degrees, and the
liveness check compares poses of one camera against each other, never against a fixed angle.

Signs are in image terms, which is what the camera sees: yaw > 0 when the nose points to the image's
right (the customer turned to their own left, facing an unmirrored camera), pitch > 0 when it points up.
"""

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

LANDMARK_FILE = "shape_predictor_68_face_landmarks.dat"
NOSE_TIP, CHIN, LEFT_EYE_OUTER, RIGHT_EYE_OUTER, LEFT_MOUTH, RIGHT_MOUTH = 30, 8, 36, 45, 48, 54
POSE_LANDMARKS = (NOSE_TIP, CHIN, LEFT_EYE_OUTER, RIGHT_EYE_OUTER, LEFT_MOUTH, RIGHT_MOUTH)

# An average head in OpenCV's camera axes (x right, y down, z away from the camera), millimetres,
# origin at the nose tip: the eyes and mouth sit behind it, the chin below.
MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 330.0, 65.0),  # chin
        (-225.0, -170.0, 135.0),  # outer corner of the eye on the image's left
        (225.0, -170.0, 135.0),  # outer corner of the eye on the image's right
        (-150.0, 150.0, 125.0),  # mouth corner, image left
        (150.0, 150.0, 125.0),  # mouth corner, image right
    ],
    dtype=np.float64,
)


@dataclass(frozen=True)
class HeadPose:
    yaw: float  # degrees, > 0: nose towards the image's right
    pitch: float  # degrees, > 0: nose up


def landmark_model_path() -> Path:
    """dlib's 68-point model from the `face-recognition-models` wheel (located without importing it)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face-recognition-models package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / LANDMARK_FILE


def load_landmark_model() -> Any:
    import dlib

    return dlib.shape_predictor(str(landmark_model_path()))


def estimate(landmarks: np.ndarray, image_size: tuple[int, int]) -> HeadPose | None:
    """The pose from 68 landmarks (x, y rows) in an image of (width, height); None when the fit fails."""
    width, height = image_size
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = landmarks[list(POSE_LANDMARKS)].astype(np.float64)
    # Start from a face looking straight at the camera at a plausible distance; the iterative
    # solver then refines, instead of wandering off to the mirror solution behind the camera.
    guess_r = np.zeros((3, 1))
    guess_t = np.array([[0.0], [0.0], [float(width) * 450 / max(1.0, _face_width(landmarks))]])
    ok, rvec, _ = cv2.solvePnP(
        MODEL_POINTS, image_points, camera, None, guess_r, guess_t, useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE
    )[:3]
    if not ok:
        return None
    rotation, _ = cv2.Rodrigues(np.asarray(rvec))
    forward = rotation @ np.array([0.0, 0.0, -1.0])  # where the nose points, in camera axes
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))
    return HeadPose(yaw=round(yaw, 1), pitch=round(pitch, 1))


def _face_width(landmarks: np.ndarray) -> float:
    return float(np.linalg.norm(landmarks[RIGHT_EYE_OUTER] - landmarks[LEFT_EYE_OUTER]))
