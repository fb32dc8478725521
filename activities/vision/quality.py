"""Is a photo good enough to read? Blur, glare and darkness, measured where each check reads.

A problem rejects an image only where it stops what the image is for: glare or blur over the MRZ or
over the card's portrait, darkness over the whole document. Measured anywhere else on a card (a lamp's
reflection on the laminate over the address), it is reported as a note, not a reason to retake.

Measures depend on scale, so each is taken at a fixed working size: the whole document at 856 px
wide, the MRZ lines on the flattened document, a face cut to 160 x 160. The thresholds were set on
the labelled synthetic set (`synthetic_ids.labelled`, run by bench/photo_ident.py), where readable
and unreadable images lie well apart.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from activities.vision.reasons import ImageProblem
from orderflow.contract.photo_ident import Measurement

GLARE_LEVEL = 250  # a pixel this bright is burnt out: the ink under it is gone
# A reflection stands out from the paper around it by at least this much.
GLARE_ABOVE_PAPER = 10


@dataclass(frozen=True)
class Limit:
    name: str
    threshold: float
    bad_above: bool  # glare is bad above its threshold, sharpness and brightness below
    problem: ImageProblem

    def measure(self, value: float, *, blocking: bool) -> Measurement:
        exceeded = value > self.threshold if self.bad_above else value < self.threshold
        return Measurement(
            name=self.name,
            value=round(value, 4),
            threshold=self.threshold,
            bad_above=self.bad_above,
            blocking=blocking,
            exceeded=exceeded,
        )


# Darkness: median brightness of the document or the face; in the dark nothing else can be judged.
DARK = Limit("brightness", 60.0, bad_above=False, problem=ImageProblem.DARK)
# Variance of the Laplacian: sharp print has strong second derivatives, blur flattens them.
# The blurriest MRZ line: readable photos of the labelled set measure 100-1300 and read with valid
# check digits down to a Gaussian blur of sigma 3 px; a blur of sigma 6-8 px measures 7-9.
MRZ_BLUR = Limit("mrz_sharpness", 15.0, bad_above=False, problem=ImageProblem.BLUR)
# Share of the MRZ band burnt out by a reflection: about one character's worth stops the reading.
# Labelled set: 0 on readable photos (reflections beside the MRZ, over-exposed cards); 0.02-0.1 under
# a reflection over the MRZ's data.
MRZ_GLARE = Limit("mrz_glare_share", 0.003, bad_above=True, problem=ImageProblem.GLARE)
# The printed portrait, cut to 160 px: sharp prints measure 30-65, sigma 3 px blur 4-8; below 4 the
# embedding drifts towards every other face.
CARD_PORTRAIT_BLUR = Limit("card_portrait_sharpness", 4.0, bad_above=False, problem=ImageProblem.BLUR)
CARD_PORTRAIT_GLARE = Limit("card_portrait_glare_share", 0.02, bad_above=True, problem=ImageProblem.GLARE)
# The whole document at 856 px wide: only when neither MRZ nor face is found do these reject it.
CARD_BLUR = Limit("card_sharpness", 60.0, bad_above=False, problem=ImageProblem.BLUR)
# Largest connected burnt-out patch, share of the whole document: a reflection the size of a thumbnail.
CARD_GLARE = Limit("card_glare_share", 0.005, bad_above=True, problem=ImageProblem.GLARE)
# The selfie's face at 160 px: sharp 200-550 (a soft, low-contrast one about 60), a Gaussian blur of
# sigma 4 px brings it below 16. At 40, a soft selfie with a slight blur of the labelled set was refused.
PORTRAIT_BLUR = Limit("portrait_sharpness", 20.0, bad_above=False, problem=ImageProblem.BLUR)
PORTRAIT_GLARE = Limit("portrait_glare_share", 0.02, bad_above=True, problem=ImageProblem.GLARE)
# A photo with no face and no document: a large reflection may be what hides the face.
PHOTO_GLARE = Limit("photo_glare_share", 0.02, bad_above=True, problem=ImageProblem.GLARE)
# A photo with no face and no document, at 800 px: a note, as a plain table is not sharp either. When
# the photo is taken for the ID side still missing, it says why no document was found there: photos
# of a card measure 500-600, the same blurred with a sigma of 6-8 px measure 1-2.
PHOTO_BLUR = Limit("photo_sharpness", 10.0, bad_above=False, problem=ImageProblem.BLUR)


def sharpness(gray: np.ndarray) -> float:
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def brightness(gray: np.ndarray) -> float:
    return float(np.median(gray))


def burnt_share(gray: np.ndarray) -> float:
    """Share of the area burnt out, wherever it is in the zone: for the printed portrait."""
    return float(np.count_nonzero(gray >= GLARE_LEVEL)) / max(gray.size, 1)


def glare_patch_share(gray: np.ndarray, window: int) -> float:
    """Share of a zone where the paper is burnt out by a reflection: brighter than the zone's own paper
    and burnt out, with the print in between ignored (the paper is the brightest pixel within `window`).

    A reflection is a bright patch on paper that is otherwise less bright; a photo over-exposed all
    over burns out the whole zone's paper alike, and the dark print on it still reads."""
    kernel = np.ones((max(1, window), max(1, window)), np.uint8)
    paper = cv2.dilate(gray, kernel)
    usual = float(np.median(paper))
    glare = (paper >= GLARE_LEVEL) & (paper >= usual + GLARE_ABOVE_PAPER)
    return float(np.count_nonzero(glare)) / max(gray.size, 1)


def largest_patch_share(gray: np.ndarray) -> float:
    """Share of the area in the largest burnt-out patch: a reflection, not scattered white print."""
    burnt = (gray >= GLARE_LEVEL).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(burnt, connectivity=8)
    if count <= 1:
        return 0.0
    return int(stats[1:, cv2.CC_STAT_AREA].max()) / gray.size
