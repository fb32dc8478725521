"""Phone-camera photos of the synthetic documents and of faces, and their degraded variants.

A document is laid on a wooden table at a slight angle and perspective, photographed at 1600 x 1200,
then saved as JPEG: what a customer's phone uploads. Degradations (blur, glare, dark, rotation,
cropping) are applied to the photo the way they happen in real life.
"""

import cv2
import numpy as np

from synthetic_ids.idcards import face_photo

PHOTO_SIZE = (1600, 1200)


def table(size: tuple[int, int] = PHOTO_SIZE, seed: int = 0) -> np.ndarray:
    width, height = size
    rng = np.random.default_rng(seed)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigmaX=25, sigmaY=1.5)
    grain = grain / (np.abs(grain).max() + 1e-6)
    wood = np.zeros((height, width, 3), np.float32)
    wood[:] = (45, 70, 105)
    wood += (grain * 25)[..., None]
    return np.clip(wood, 0, 255).astype(np.uint8)


def _card_mask(size: tuple[int, int], radius: int) -> np.ndarray:
    width, height = size
    mask = np.zeros((height, width), np.uint8)
    cv2.rectangle(mask, (radius, 0), (width - radius, height), 255, -1)
    cv2.rectangle(mask, (0, radius), (width, height - radius), 255, -1)
    for cx, cy in (
        (radius, radius),
        (width - radius, radius),
        (radius, height - radius),
        (width - radius, height - radius),
    ):
        cv2.circle(mask, (cx, cy), radius, 255, -1, cv2.LINE_AA)
    return mask


def photograph(
    document: np.ndarray,
    *,
    seed: int = 0,
    width_share: float = 0.68,
    tilt: float = 4.0,
    perspective: float = 0.03,
    shift: tuple[float, float] = (0.0, 0.0),
    backdrop: np.ndarray | None = None,
) -> np.ndarray:
    """The document lying on a table (or on `backdrop`, a PHOTO_SIZE image), photographed from slightly off-center."""
    width, height = PHOTO_SIZE
    rng = np.random.default_rng(seed)
    doc_h, doc_w = document.shape[:2]
    card_w = width_share * width
    card_h = card_w * doc_h / doc_w
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float32) * np.array(
        [card_w / 2, card_h / 2], dtype=np.float32
    )
    angle = np.radians(tilt)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    corners = corners @ rotation.T
    corners += rng.uniform(-perspective, perspective, corners.shape).astype(np.float32) * card_w
    corners += np.array([width / 2 + shift[0] * width, height / 2 + shift[1] * height], dtype=np.float32)
    source = np.array([[0, 0], [doc_w, 0], [doc_w, doc_h], [0, doc_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(document, matrix, PHOTO_SIZE, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(_card_mask((doc_w, doc_h), doc_w // 28), matrix, PHOTO_SIZE)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    ground = table(seed=seed) if backdrop is None else backdrop
    scene = ground * (1 - alpha) + warped * alpha
    return _camera(scene, rng)


def _camera(scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    scene = cv2.GaussianBlur(scene.astype(np.float32), (0, 0), 0.7)
    scene += rng.normal(0, 2.5, scene.shape).astype(np.float32)
    return np.clip(scene, 0, 255).astype(np.uint8)


def portrait(stem: str, size: tuple[int, int] = (1200, 1600)) -> np.ndarray:
    """A selfie-sized photo (upright 1200 x 1600) of a real face photograph."""
    image = face_photo(stem)
    scale = size[1] / image.shape[0]
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pad = size[0] - image.shape[1]
    if pad > 0:
        image = cv2.copyMakeBorder(image, 0, 0, pad // 2, pad - pad // 2, cv2.BORDER_REFLECT)
    left = (image.shape[1] - size[0]) // 2
    return image[:, left : left + size[0]]


def two_people(first: str, second: str) -> np.ndarray:
    height = 1200
    halves = [
        cv2.resize(face_photo(s), None, fx=height / face_photo(s).shape[0], fy=height / face_photo(s).shape[0])
        for s in (first, second)
    ]
    both = np.hstack(halves)
    return both if both.shape[1] <= 1600 else cv2.resize(both, (1600, height))


def blurred(photo: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    return cv2.GaussianBlur(photo, (0, 0), sigma)


def glare(photo: np.ndarray, center: tuple[float, float] = (0.5, 0.62), radius: float = 0.14) -> np.ndarray:
    """A lamp's reflection on the laminate: a burnt-out patch with a soft edge."""
    height, width = photo.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy, r = center[0] * width, center[1] * height, radius * width
    light = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (r / 2) ** 2)) * 400
    return np.clip(photo.astype(np.float32) + light[..., None], 0, 255).astype(np.uint8)


def dark(photo: np.ndarray, factor: float = 0.12) -> np.ndarray:
    return np.clip(photo.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def upside_down(photo: np.ndarray) -> np.ndarray:
    return cv2.rotate(photo, cv2.ROTATE_180)


def jpeg(photo: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def png(photo: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", photo)
    assert ok
    return data.tobytes()
