"""Is the person in the portrait the person on the ID? deepface's Dlib embeddings, cosine distance.

deepface's own threshold for this model and metric decides; a distance only a little above it goes
to a person rather than failing the customer, because lighting and print quality move distances.
"""

from dataclasses import dataclass

import numpy as np

from activities.vision.models import VisionModels
from activities.vision.reasons import Reason

BORDERLINE = 1.2  # up to this multiple of the threshold: needs review


@dataclass(frozen=True)
class FaceMatch:
    distance: float
    threshold: float

    @property
    def reason(self) -> Reason | None:
        if self.distance <= self.threshold:
            return None
        if self.distance <= self.threshold * BORDERLINE:
            return Reason.FACE_BORDERLINE
        return Reason.FACE_MISMATCH


def compare(card_face: np.ndarray, portrait_face: np.ndarray, models: VisionModels) -> FaceMatch:
    return FaceMatch(distance=round(models.distance(card_face, portrait_face), 4), threshold=models.face_threshold)
