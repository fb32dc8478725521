"""Synthetic head turns from one real portrait, for the liveness tests and the benchmark.

A photo has no depth, so we give the face one: a half-ellipsoid over the face plus a ridge for the
nose, placed with dlib's landmarks. Turning that surface about a vertical (yaw) or horizontal (pitch)
axis behind the face moves the nose further than the cheeks and squeezes the side that turns away,
which is what a real turn does to the landmarks. The image is resampled with OpenCV's remap; the
background outside the head stays where it is.

Limits, honestly: the ear and the far cheek never disappear behind the nose as they do in a real
turn, and hair and neck do not move like a real head; the landmark fit sees a turn of about half
the warp's angle. The tests ask for turns of 15-25 degrees measured, which real customers do easily.
"""

import math

import cv2
import dlib
import numpy as np

from activities.vision.head_pose import load_landmark_model

_detector = dlib.get_frontal_face_detector()
_landmarks = load_landmark_model()


def face_landmarks(image: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    faces = _detector(gray, 1)
    assert faces, "the test portrait must show a face"
    shape = _landmarks(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), max(faces, key=lambda r: r.area()))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


class HeadModel:
    """The depth surface of one portrait, ready to render turned copies."""

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        points = face_landmarks(image)
        height, width = image.shape[:2]
        jaw_width = float(np.linalg.norm(points[16] - points[0]))
        self.cx = float(points[[0, 16, 27, 30, 33, 8], 0].mean())
        self.cy = float((points[27, 1] + points[8, 1]) / 2)
        self.a = jaw_width * 0.62  # half-axes of the head ellipse
        self.b = float(points[8, 1] - points[19, 1]) * 0.75
        self.ys, self.xs = np.mgrid[0:height, 0:width].astype(np.float32)
        u = (self.xs - self.cx) / self.a
        v = (self.ys - self.cy) / self.b
        r2 = u * u + v * v
        ellipsoid = 0.55 * self.a * np.sqrt(np.clip(1 - r2, 0, None))
        eye_span = float(np.linalg.norm(points[45] - points[36]))
        nose_x = float(points[[27, 30], 0].mean())
        nose_y = float(points[[27, 30], 1].mean())
        nose = (
            0.32
            * eye_span
            * np.exp(
                -0.5 * (((self.xs - nose_x) / (0.11 * eye_span)) ** 2 + ((self.ys - nose_y) / (0.28 * eye_span)) ** 2)
            )
        )
        self.depth = (ellipsoid + nose).astype(np.float32)  # towards the camera
        self.axis_depth = -0.35 * self.a  # the neck turns the head about an axis behind the face
        # Full effect inside the head ellipse, none beyond 1.5 times it: the background stays put.
        self.weight = np.clip((1.5 - np.sqrt(r2)) / 0.5, 0, 1).astype(np.float32)

    def turned(self, yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
        """The portrait with the face turned: yaw > 0 towards the image's right, pitch > 0 up (degrees)."""
        ty, tp = math.radians(yaw), math.radians(pitch)
        lever = self.depth - self.axis_depth
        dx = ((math.cos(ty) - 1) * (self.xs - self.cx) + math.sin(ty) * lever) * self.weight
        dy = ((math.cos(tp) - 1) * (self.ys - self.cy) - math.sin(tp) * lever) * self.weight
        # remap wants, for every output pixel, where it comes from: invert the forward move by iteration.
        map_x, map_y = self.xs - dx, self.ys - dy
        for _ in range(3):
            back_x = cv2.remap(dx, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            back_y = cv2.remap(dy, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            map_x, map_y = self.xs - back_x, self.ys - back_y
        return cv2.remap(self.image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
