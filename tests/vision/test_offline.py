"""Nothing downloads at run time: the models load and work in a process whose network is cut off."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[2]

# Every way Python reaches the network ends in one of these; each now fails at once.
PROBE = textwrap.dedent(
    """
    import socket, sys
    from pathlib import Path

    def refuse(*args, **kwargs):
        raise OSError("network is blocked in this test")

    socket.socket.connect = socket.socket.connect_ex = refuse
    socket.create_connection = socket.getaddrinfo = refuse

    import cv2
    from activities.vision import faces
    from activities.vision.models import load_models
    from synthetic_ids.photos import portrait

    models = load_models(Path(sys.argv[1]))  # a fresh, empty DEEPFACE_HOME
    image = portrait("obama_1")
    found = faces.detect(image, models)
    embedding = faces.embed(image, found[0], models)
    try:
        socket.create_connection(("localhost", 9))
    except OSError:
        print("blocked", len(found), embedding.shape[0])
    """
)


def test_models_load_and_run_with_the_network_blocked(tmp_path: Path) -> None:
    home = tmp_path / "deepface"
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(home)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split()[-3:] == ["blocked", "1", "128"]
    assert sorted(p.name for p in (home / ".deepface" / "weights").iterdir()) == [
        "dlib_face_recognition_resnet_model_v1.dat",
        "shape_predictor_5_face_landmarks.dat",
    ]
