"""Is a photo good enough to read? Blur, glare and darkness, each measured on a fixed working size.

Measures depend on scale, so they are taken on the flattened document at a fixed width or on the
face cut to a fixed size; the thresholds were set on the synthetic fixtures (tests/vision) and the
real face photos, with a wide gap between good and degraded images.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from activities.vision.reasons import ImageProblem

# Variance of the Laplacian: sharp print has strong second derivatives, blur flattens them.
# Sharp fixtures measure 100-340 (document at 856 px wide) and 200-550 (face at 160 px);
# a Gaussian blur of sigma 2 px on the photo brings a document below 40, sigma 4 a face below 16.
BLUR_DOCUMENT = 60.0
BLUR_PORTRAIT = 40.0
# Glare: share of the area burnt out to (almost) pure white in one connected patch.
GLARE_LEVEL = 250
GLARE_SHARE = 0.02
# Darkness: median brightness of what matters, the document or the face.
DARK_LEVEL = 60


@dataclass(frozen=True)
class Quality:
    sharpness: float
    glare_share: float
    brightness: float

    def problems(self, *, blur_threshold: float) -> list[ImageProblem]:
        if self.brightness < DARK_LEVEL:
            return [ImageProblem.DARK]  # in the dark, sharpness and glare cannot be judged
        found = []
        if self.sharpness < blur_threshold:
            found.append(ImageProblem.BLUR)
        if self.glare_share > GLARE_SHARE:
            found.append(ImageProblem.GLARE)
        return found


def sharpness(gray: np.ndarray) -> float:
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def glare_share(gray: np.ndarray) -> float:
    burnt = (gray >= GLARE_LEVEL).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(burnt, connectivity=8)
    if count <= 1:
        return 0.0
    largest = int(stats[1:, cv2.CC_STAT_AREA].max())
    return largest / gray.size


def measure(gray: np.ndarray) -> Quality:
    """`gray`: the flattened document or the face, at a fixed size."""
    return Quality(sharpness=sharpness(gray), glare_share=glare_share(gray), brightness=float(np.median(gray)))
