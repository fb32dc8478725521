"""Photo-ident from three stored images to a verdict: analyse each image, sort, check, decide.

Every stage reports progress through `heartbeat`, so a worker that dies mid-way is noticed quickly.
Nothing here logs names, MRZ text or pixels: only references, reason codes and timings.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from activities.vision import document_checks, face_match, passport_pages, slots
from activities.vision.analysis import ImageAnalysis, analyze, embed_deferred_face, read_deferred_mrz
from activities.vision.decoding import ImageLimits
from activities.vision.models import VisionModels
from activities.vision.reasons import FINAL, REVIEW, ImageProblem, Reason, image_code
from orderflow.contract.photo_ident import (
    REASON_SIDES,
    ImageFinding,
    ImageKind,
    PhotoIdentInput,
    PhotoIdentResult,
    PhotoVerdict,
)

log = logging.getLogger(__name__)

Loader = Callable[[str], bytes | None]


def identify(
    request: PhotoIdentInput,
    load: Loader,
    models: VisionModels,
    limits: ImageLimits,
    heartbeat: Callable[[str], None] = lambda stage: None,
) -> PhotoIdentResult:
    started = time.perf_counter()
    if len(request.image_refs) != 3:
        return _result([Reason.WRONG_IMAGE_COUNT], [], None, None)
    analyses = _analyze_all(request.image_refs, load, models, limits, heartbeat)
    found = slots.assign(analyses)
    if found.front is not None:
        embed_deferred_face(found.front, models)  # a passport page, now known to be the front
    reasons = _slot_reasons(found, analyses)

    layout = None
    source = _mrz_source(found, request, models)
    if source is not None and source.usable:
        heartbeat("checking the document")
        checked = (
            document_checks.check(source.mrz_lines, request.expected, request.valid_on) if source.mrz_lines else None
        )
        if checked is None or not checked.readable:
            reasons += _not_read(source, ImageProblem.MRZ_UNREADABLE)
        else:
            layout = checked.layout
            source.mrz_checks_valid = not checked.failed_checks
            source.mrz_failed_checks = checked.failed_checks
            if checked.failed_checks and source.notes:  # likely misread under the glare or blur noted
                reasons += _not_read(source, ImageProblem.MRZ_UNREADABLE)
            else:
                reasons += checked.reasons

    match = None
    front, portrait = found.front, found.portrait
    if front is not None and front.usable and front.embedding is None:  # a document sorted in as the front
        reasons += _not_read(front, ImageProblem.NO_FACE)
    if front and portrait and front.embedding is not None and portrait.embedding is not None:
        heartbeat("matching faces")
        match = face_match.compare(front.embedding, portrait.embedding, models)
        if match.reason is not None:
            reasons.append(match.reason)

    result = _result(reasons, analyses, layout, match)
    log.info(
        "photo-ident %s: %s %s in %.2f s",
        request.order_id,
        result.verdict.value,
        result.reasons,
        time.perf_counter() - started,
    )
    return result


def _analyze_all(
    refs: list[str], load: Loader, models: VisionModels, limits: ImageLimits, heartbeat: Callable[[str], None]
) -> list[ImageAnalysis]:
    """The three images side by side: while dlib works on one (it holds the GIL), OpenCV and
    ONNX Runtime work on the others (they release it). Heartbeats come from the calling thread,
    the one that carries the activity context."""
    with ThreadPoolExecutor(max_workers=len(refs), thread_name_prefix="photo-ident") as pool:
        futures = {pool.submit(analyze, ref, load(ref), models, limits): index for index, ref in enumerate(refs)}
        early = passport_pages.EarlyWork(len(refs), pool, models)
        # Decoding, quality gates, OCR and face detection of each image: one beat as each one ends.
        heartbeat(f"analysing {len(refs)} images")
        for done, future in enumerate(as_completed(futures), start=1):
            heartbeat(f"analysed {done} of {len(refs)} images")
            early.analysed(futures[future], future.result())
        early.wait()
        return [future.result() for future in futures]


def _mrz_source(found: slots.Slots, request: PhotoIdentInput, models: VisionModels) -> ImageAnalysis | None:
    """A passport's data page photographed twice: the photo already read goes first; when its reading
    does not hold (an OCR slip fails a check digit), the other is read too. Each is held to all its
    check digits; when neither holds, the front's reading is the one reported."""
    first, second = found.mrz_source, found.back
    if first is None or second is None or second is first or not second.mrz_found:
        if first is not None:
            read_deferred_mrz(first, models)
        return first
    read_already = second.mrz_lines is not None and first.mrz_lines is None
    for item in (second, first) if read_already else (first, second):
        read_deferred_mrz(item, models)
        if _reads(item, request):
            return item
    return first


def _reads(item: ImageAnalysis, request: PhotoIdentInput) -> bool:
    if not item.usable or not item.mrz_lines:
        return False
    checked = document_checks.check(item.mrz_lines, request.expected, request.valid_on)
    return checked.readable and not checked.failed_checks


def _not_read(item: ImageAnalysis, problem: ImageProblem) -> list[str]:
    """A check found nothing to read on an image that passed the quality gates. Glare or blur noted
    elsewhere on the card is the likely cause, and what the customer can fix; without it, `problem`."""
    if not item.notes:
        item.problems.append(problem)
    item.promote_notes()
    return _image_codes(item)


def _slot_reasons(found: slots.Slots, analyses: list[ImageAnalysis]) -> list[str]:
    reasons = [code for item in analyses for code in _image_codes(item)]
    used = {id(item) for item in (found.front, found.back, found.portrait) if item is not None}
    if any(id(item) not in used and item.kind is not ImageKind.UNUSABLE for item in analyses):
        reasons.append(Reason.DUPLICATE_IMAGE)
    if found.front is None:
        reasons.append(Reason.MISSING_ID_FRONT)
    if found.back is None and found.back_needed:
        reasons.append(Reason.MISSING_ID_BACK)
    if found.portrait is None:
        reasons.append(Reason.MISSING_PORTRAIT)
    return reasons


def _image_codes(item: ImageAnalysis) -> list[str]:
    return [image_code(REASON_SIDES.get(item.kind), problem) for problem in item.problems]


def _result(
    reasons: list[str], analyses: list[ImageAnalysis], layout: str | None, match: face_match.FaceMatch | None
) -> PhotoIdentResult:
    codes = list(dict.fromkeys(str(r) for r in reasons))  # in order, once each
    failing = [code for code in codes if code not in REVIEW]
    if failing:
        verdict = PhotoVerdict.FAILED
    else:
        verdict = PhotoVerdict.NEEDS_REVIEW if codes else PhotoVerdict.PASSED
    return PhotoIdentResult(
        verdict=verdict,
        reasons=codes,
        retry_possible=verdict is PhotoVerdict.FAILED and not any(code in FINAL for code in codes),
        images=[
            ImageFinding(
                ref=item.ref,
                kind=item.kind,
                reasons=_image_codes(item),
                notes=[note.value for note in item.notes],
                measurements=item.measurements,
                faces_found=len(item.faces),
                mrz_found=item.mrz_found,
                mrz_check_digits_valid=item.mrz_checks_valid,
                mrz_failed_checks=item.mrz_failed_checks,
            )
            for item in analyses
        ],
        document_type=layout,
        face_distance=match.distance if match else None,
        face_threshold=match.threshold if match else None,
    )
