"""The recogniser with its last layer cut to the MRZ alphabet reads exactly as the full network does."""

from pathlib import Path

import cv2
import numpy as np
import onnxruntime

from activities.vision import document, mrz_zone
from activities.vision.decoding import ImageLimits, decode, shrink
from activities.vision.ocr import MODEL_DIR, LineRecognizer
from synthetic_ids.idcards import ERIKA_CARD, mrz_lines
from tests.vision.conftest import Uploads


def full_network_reading(crops: list[np.ndarray]) -> list[str]:
    """The wheel's network as it is, restricted to the alphabet only when decoding."""
    session = onnxruntime.InferenceSession(str(MODEL_DIR / "rec" / "rec.onnx"), providers=["CPUExecutionProvider"])
    classes = ["", *(Path(MODEL_DIR) / "ppocrv5_dict.txt").read_text(encoding="utf-8").splitlines(), " "]
    allowed = np.array([0] + [i for i, c in enumerate(classes) if c in set(mrz_zone.ALPHABET)])
    # One batch padded to the widest line, as the recogniser builds it.
    lines = [cv2.resize(crop, (round(crop.shape[1] * 48 / crop.shape[0]), 48)) for crop in crops]
    batch = np.zeros((len(lines), 3, 48, max(line.shape[1] for line in lines)), np.float32)
    for i, line in enumerate(lines):
        batch[i, :, :, : line.shape[1]] = line.transpose(2, 0, 1) / 127.5 - 1.0
    scores = session.run(None, {session.get_inputs()[0].name: batch})[0]
    texts = []
    for best in allowed[scores[:, :, allowed].argmax(axis=2)]:
        texts.append("".join(classes[c] for i, c in enumerate(best) if c != 0 and (i == 0 or c != best[i - 1])))
    return texts


def test_the_cut_network_reads_the_mrz_as_the_full_network_does(uploads: Uploads) -> None:
    image = decode(uploads.back, ImageLimits())
    small, back = shrink(image, 800)
    outline = document.find_document(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))
    assert outline is not None
    flat = document.flatten(image, outline.scaled(back))
    zone = mrz_zone.locate(cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY))
    assert zone is not None and not zone.upside_down
    crops = [mrz_zone._crop(flat, box) for box in zone.boxes]

    cut = LineRecognizer(mrz_zone.ALPHABET).read(crops)

    assert cut == full_network_reading(crops)
    assert mrz_zone.read(flat, zone, LineRecognizer(mrz_zone.ALPHABET)) == mrz_lines(ERIKA_CARD)
