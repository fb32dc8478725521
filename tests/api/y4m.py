"""A YUV4MPEG2 file for Chromium's fake camera (`--use-file-for-fake-video-capture`), written from BGR frames."""

from pathlib import Path

import cv2
import numpy as np


def write_y4m(path: Path, frames: list[np.ndarray], fps: int) -> None:
    height, width = frames[0].shape[:2]
    assert width % 2 == 0 and height % 2 == 0, "4:2:0 needs even sides"
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for frame in frames:
            out.write(b"FRAME\n")
            # OpenCV's I420 is the Y plane, then U, then V: exactly a y4m 4:2:0 frame.
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
