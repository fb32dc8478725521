"""One uploaded image on its own: decode it, find what it shows, measure its quality.

Customers upload in any order and sometimes the wrong thing, so the kind is read from the pixels:
a document with a face is an ID front (a passport data page also carries the MRZ), a document with
an MRZ is an ID back, a photo with a face and no document is the portrait.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from activities.vision import document, faces, mrz_zone, quality, zones
from activities.vision.decoding import ImageLimits, ImageRejected, decode, shrink
from activities.vision.faces import Face
from activities.vision.models import VisionModels
from activities.vision.reasons import ImageProblem
from orderflow.contract.photo_ident import ImageKind, Measurement

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
    # A passport page is sent twice. Its face is embedded only if the page is sorted in as the front, and
    # its MRZ read only if it is the page's first photo or the first reading fails its check digits.
    deferred_face: Face | None = None
    deferred_mrz: mrz_zone.MrzZone | None = None  # on face_image, the upright document
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[ImageProblem] = field(default_factory=list)  # measured where they stop no check
    mrz_checks_valid: bool | None = None  # set once the MRZ text has been checked
    mrz_failed_checks: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.problems

    def judge(self, limit: quality.Limit, value: float, *, blocking: bool = True) -> None:
        """Records the measurement; past its limit, a problem (blocking) or a note (not blocking)."""
        measured = limit.measure(value, blocking=blocking)
        self.measurements.append(measured)
        if measured.exceeded:
            found = self.problems if blocking else self.notes
            if limit.problem not in found:
                found.append(limit.problem)

    def promote_notes(self) -> None:
        """A check failed to read after all: the glare or blur measured elsewhere is the likely cause."""
        self.problems += [note for note in self.notes if note not in self.problems]
        self.notes = []

    def take_for_document_side(self, kind: ImageKind) -> None:
        """A photo on which no document was found, sorted in as the ID side still missing: the darkness,
        glare or blur that hid the document is what the customer can fix, and "no face" says nothing
        about a side of an ID. With none of them, the side's own check reports what it missed."""
        self.kind = kind
        self.problems = [problem for problem in self.problems if problem is not ImageProblem.NO_FACE]
        self.promote_notes()


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
    result.problems += outline.problems
    whole = _at_width(flat_gray, QUALITY_WIDTH)
    result.judge(quality.DARK, quality.brightness(whole))
    zone = mrz_zone.locate(flat_gray)
    if zone is not None and zone.upside_down:
        flat = cv2.rotate(flat, cv2.ROTATE_180)  # the zone's boxes were found on the turned document
        flat_gray = cv2.rotate(flat_gray, cv2.ROTATE_180)
    result.mrz_found = zone is not None
    # An ID card's back (three MRZ lines) has no photo; a passport page (two lines) has both.
    found = [] if zone is not None and len(zone.boxes) == 3 else faces.detect(flat, models, small_faces=False)
    if not found and zone is None:  # a front held upside down has no MRZ to tell
        turned = cv2.rotate(flat, cv2.ROTATE_180)
        found = faces.detect(turned, models, small_faces=False)
        if found:
            flat, flat_gray = turned, cv2.rotate(flat_gray, cv2.ROTATE_180)
    result.faces, result.face_image = found, flat
    if found:
        result.kind = ImageKind.ID_FRONT
    elif zone is not None:
        result.kind = ImageKind.ID_BACK
    if ImageProblem.DARK in result.problems:
        return result  # in the dark, sharpness and glare cannot be judged
    best = max(found, key=lambda f: f.score) if found else None
    _judge_document(result, flat_gray, whole, zone, best)
    if not result.usable:
        return result
    if zone is None:  # an ID card's front
        result.embedding = faces.embed(flat, best, models) if best is not None else None
    elif best is None:  # an ID card's back
        result.mrz_lines = mrz_zone.read(flat, zone, models.recognizer)
    else:  # a passport page
        result.deferred_face, result.deferred_mrz = best, zone
    return result


def read_deferred_mrz(item: ImageAnalysis, models: VisionModels) -> None:
    if item.mrz_lines is None and item.deferred_mrz is not None and item.face_image is not None:
        item.mrz_lines = mrz_zone.read(item.face_image, item.deferred_mrz, models.recognizer)


def embed_deferred_face(item: ImageAnalysis, models: VisionModels) -> None:
    if item.embedding is None and item.deferred_face is not None and item.face_image is not None:
        item.embedding = faces.embed(item.face_image, item.deferred_face, models)


def _judge_document(
    result: ImageAnalysis,
    flat_gray: np.ndarray,
    whole: np.ndarray,
    zone: mrz_zone.MrzZone | None,
    face: Face | None,
) -> None:
    """Glare and blur over the MRZ or the portrait reject the image; elsewhere on the card they are notes,
    unless neither was found: then they are the likely reason why."""
    if zone is not None:
        lines = zones.mrz_lines(flat_gray, zone)
        band = zones.mrz_band(flat_gray, zone)
        result.judge(quality.MRZ_GLARE, quality.glare_patch_share(band, zones.line_height(zone)))
        result.judge(quality.MRZ_BLUR, min(quality.sharpness(line) for line in lines))
    if face is not None:
        result.judge(
            quality.CARD_PORTRAIT_GLARE,
            quality.burnt_share(zones.crop(flat_gray, zones.face_box(face, flat_gray.shape))),
        )
        result.judge(quality.CARD_PORTRAIT_BLUR, quality.sharpness(zones.face_region(flat_gray, face)))
    nothing_found = zone is None and face is None
    result.judge(quality.CARD_GLARE, quality.largest_patch_share(whole), blocking=nothing_found)
    result.judge(quality.CARD_BLUR, quality.sharpness(whole), blocking=nothing_found)


def _analyze_photo(ref: str, image: np.ndarray, small_gray: np.ndarray, models: VisionModels) -> ImageAnalysis:
    """`small_gray`: the photo at FIND_SIDE in grayscale, as `analyze` made it to look for a document."""
    found = faces.detect(image, models)
    result = ImageAnalysis(ref, faces=found, face_image=image)
    if not found:
        result.judge(quality.DARK, quality.brightness(small_gray))
        if not result.problems:
            result.judge(quality.PHOTO_GLARE, quality.largest_patch_share(small_gray))
            result.judge(quality.PHOTO_BLUR, quality.sharpness(small_gray), blocking=False)
        result.problems.append(ImageProblem.NO_FACE)
        return result
    result.kind = ImageKind.PORTRAIT
    if len(found) > 1:
        result.problems.append(ImageProblem.MULTIPLE_FACES)
    face_gray = zones.face_region(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), found[0])
    result.judge(quality.DARK, quality.brightness(face_gray))
    if ImageProblem.DARK not in result.problems:
        result.judge(quality.PORTRAIT_BLUR, quality.sharpness(face_gray))
        result.judge(quality.PORTRAIT_GLARE, quality.largest_patch_share(face_gray))
    if result.usable:
        result.embedding = faces.embed(image, found[0], models)
    return result


def _at_width(gray: np.ndarray, width: int) -> np.ndarray:
    if gray.shape[1] == width:
        return gray
    return cv2.resize(gray, (width, round(gray.shape[0] * width / gray.shape[1])), interpolation=cv2.INTER_AREA)
