"""Light as a phone camera meets it: a reflection on the laminate, a shadow across the photo,
an over- or under-exposed frame, and the surfaces a card is laid on."""

import cv2
import numpy as np

from synthetic_ids.photos import PHOTO_SIZE, table


def reflection(document: np.ndarray, center: tuple[float, float], sigma: float, strength: float) -> np.ndarray:
    """A soft highlight on the document itself, in its own pixels: it moves with the card when photographed.
    Burnt out (255) within about `sigma * sqrt(2 ln(strength / (255 - paper)))` of `center`."""
    height, width = document.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = strength * np.exp(-((xx - center[0]) ** 2 + (yy - center[1]) ** 2) / (2 * sigma**2))
    return np.clip(document.astype(np.float32) + light[..., None], 0, 255).astype(np.uint8)


def burnt_radius(sigma: float, strength: float, paper: float = 215.0) -> float:
    """How far from its center a reflection of this size burns the paper out (paper: the card's brightness)."""
    headroom = 255.0 - paper
    if strength <= headroom:
        return 0.0
    return float(sigma * np.sqrt(2 * np.log(strength / headroom)))


def shadow(photo: np.ndarray, angle: float, depth: float) -> np.ndarray:
    """A soft shadow falling across the frame from one side: brightness drops by up to `depth`."""
    height, width = photo.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (np.cos(angle) * (xx / width - 0.5) + np.sin(angle) * (yy / height - 0.5)) + 0.5
    factor = 1 - depth * np.clip(ramp, 0, 1)
    return np.clip(photo.astype(np.float32) * factor[..., None], 0, 255).astype(np.uint8)


def exposure(photo: np.ndarray, gain: float, tint: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> np.ndarray:
    return np.clip(photo.astype(np.float32) * gain * np.array(tint, np.float32), 0, 255).astype(np.uint8)


def backdrop(kind: str, seed: int) -> np.ndarray:
    """What the card lies on: "wood", "cloth" (dark, fine texture) or "desk" (light grey, nearly plain)."""
    if kind == "wood":
        return table(seed=seed)
    width, height = PHOTO_SIZE
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 2.0)
    base, amplitude = ((40, 38, 52), 10.0) if kind == "cloth" else ((150, 155, 160), 6.0)
    ground = np.zeros((height, width, 3), np.float32) + np.array(base, np.float32)
    ground += (texture * amplitude)[..., None]
    return np.clip(ground, 0, 255).astype(np.uint8)
