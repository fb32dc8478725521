"""One uploaded image on its own: decode it, find what it shows, measure its quality.

Customers upload in any order and sometimes the wrong thing, so the kind is read from the pixels:
a document with a face is an ID front (a passport data page also carries the MRZ), a document with
an MRZ is an ID back, a photo with a face and no document is the portrait.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from activities.vision import document, faces, mrz_zone, quality
from activities.vision.decoding import ImageLimits, ImageRejected, decode, shrink
from activities.vision.faces import Face
from activities.vision.models import VisionModels
from activities.vision.reasons import ImageProblem
from orderflow.photo_ident import ImageKind

FIND_SIDE = 800  # documents are found on a copy this size
QUALITY_WIDTH = document.CARD_SIZE[0]  # documents are measured at one width, whatever their format


@dataclass
class ImageAnalysis:
    ref: str
    kind: ImageKind = ImageKind.UNUSABLE
    problems: list[ImageProblem] = field(default_factory=list)
    is_document: bool = False
    faces: list[Face] = field(default_factory=list)
    face_image: np.ndarray | None = None  # the picture the faces were found on
    mrz_lines: list[str] | None = None
    mrz_found: bool = False  # an MRZ-shaped zone, read or not
    embedding: np.ndarray | None = None  # of the (best) face, for the face match

    @property
    def usable(self) -> bool:
        return not self.problems


def analyze(ref: str, data: bytes | None, models: VisionModels, limits: ImageLimits) -> ImageAnalysis:
    if data is None:
        return ImageAnalysis(ref, problems=[ImageProblem.NOT_STORED])
    try:
        image = decode(data, limits)
    except ImageRejected as rejected:
        return ImageAnalysis(ref, problems=[rejected.problem])
    small, back = shrink(image, FIND_SIDE)
    small_gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    outline = document.find_document(small_gray)
    if outline is not None:
        as_document = _analyze_document(ref, image, outline.scaled(back), models)
        if as_document.kind is not ImageKind.UNUSABLE:
            return as_document
        # Neither face nor MRZ on the "document": maybe a picture frame or a window behind a selfie.
        as_photo = _analyze_photo(ref, image, small_gray, models)
        return as_photo if as_photo.kind is ImageKind.PORTRAIT else as_document
    return _analyze_photo(ref, image, small_gray, models)


def _analyze_document(
    ref: str, image: np.ndarray, outline: document.DocumentOutline, models: VisionModels
) -> ImageAnalysis:
    result = ImageAnalysis(ref, is_document=True)
    flat = document.flatten(image, outline)
    flat_gray = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
    measured = quality.measure(_at_width(flat_gray, QUALITY_WIDTH))
    result.problems += outline.problems + measured.problems(blur_threshold=quality.BLUR_DOCUMENT)
    zone = mrz_zone.locate(flat_gray)
    if zone is not None and zone.upside_down:
        flat = cv2.rotate(flat, cv2.ROTATE_180)  # the zone's boxes were found on the turned document
    result.mrz_found = zone is not None
    # An ID card's back (three MRZ lines) has no photo; a passport page (two lines) has both.
    found = [] if zone is not None and len(zone.boxes) == 3 else faces.detect(flat, models, small_faces=False)
    if not found and zone is None:  # a front held upside down has no MRZ to tell
        turned = cv2.rotate(flat, cv2.ROTATE_180)
        found = faces.detect(turned, models, small_faces=False)
        flat = turned if found else flat
    result.faces, result.face_image = found, flat
    if found:
        result.kind = ImageKind.ID_FRONT
    elif zone is not None:
        result.kind = ImageKind.ID_BACK
    if zone is not None and result.usable:
        result.mrz_lines = mrz_zone.read(flat, zone, models.recognizer)
    if found and result.usable:
        result.embedding = faces.embed(flat, max(found, key=lambda f: f.score), models)
    return result


def _analyze_photo(ref: str, image: np.ndarray, small_gray: np.ndarray, models: VisionModels) -> ImageAnalysis:
    """`small_gray`: the photo at FIND_SIDE in grayscale, as `analyze` made it to look for a document."""
    found = faces.detect(image, models)
    result = ImageAnalysis(ref, faces=found, face_image=image)
    if not found:
        result.problems += quality.measure(small_gray).problems(blur_threshold=0.0)
        result.problems.append(ImageProblem.NO_FACE)
        return result
    result.kind = ImageKind.PORTRAIT
    if len(found) > 1:
        result.problems.append(ImageProblem.MULTIPLE_FACES)
    face_gray = _face_region(image, found[0])
    result.problems += quality.measure(face_gray).problems(blur_threshold=quality.BLUR_PORTRAIT)
    if result.usable:
        result.embedding = faces.embed(image, found[0], models)
    return result


def _at_width(gray: np.ndarray, width: int) -> np.ndarray:
    if gray.shape[1] == width:
        return gray
    return cv2.resize(gray, (width, round(gray.shape[0] * width / gray.shape[1])), interpolation=cv2.INTER_AREA)


def _face_region(image: np.ndarray, face: Face) -> np.ndarray:
    """The face box at a fixed size, so sharpness and brightness compare across photos."""
    left, top, right, bottom = (int(v) for v in face.box)
    crop = image[max(0, top) : bottom, max(0, left) : right]
    gray = cv2.cvtColor(crop if crop.size else image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, (160, 160), interpolation=cv2.INTER_AREA)
