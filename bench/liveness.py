"""Benchmark: the liveness check of one whole frame sequence on a warm vision worker, beside a baseline
that runs deepface's own DeepFace.verify on every frame against the first.

    .venv/bin/python bench/liveness.py [--runs 20] [--verify-runs 2]

Sequences are the tests' synthetic head turns of the real test faces (480 x 640 JPEG frames, as the
ident page sends them), stored as blobs and judged by the real activity. Prints p50/p95 latency per
sequence of 8-12 frames and each sequence's verdict with the one it should have; the baseline's
latency and verdicts show what identity alone cannot tell (a still photo passes it). Target: p95 <= 1.0 s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from temporalio.testing import ActivityEnvironment  # noqa: E402

from activities.vision.head_pose import load_landmark_model  # noqa: E402
from activities.vision.liveness import LivenessModels  # noqa: E402
from activities.vision.liveness_activity import LivenessActivities  # noqa: E402
from activities.vision.models import load_models  # noqa: E402
from orderflow.blobs import BlobStore  # noqa: E402
from orderflow.contract.liveness import ChallengeStep, LivenessInput  # noqa: E402
from synthetic_ids.liveness_frames import (  # noqa: E402
    LEFT_THEN_RIGHT,
    LOOK_UP,
    RIGHT_THEN_LEFT,
    TIMES_MS,
    jpeg,
    sequence,
    still,
)

LEFT, RIGHT, UP = ChallengeStep.TURN_LEFT, ChallengeStep.TURN_RIGHT, ChallengeStep.LOOK_UP


def cases() -> list[tuple[str, list[bytes], list[ChallengeStep], bool]]:
    """(name, frames, challenge, should pass)."""
    obama, biden = sequence("obama_1", LEFT_THEN_RIGHT), sequence("biden_1", LEFT_THEN_RIGHT, seed=1)
    return [
        ("obama left-right", obama, [LEFT, RIGHT], True),
        ("biden right-left", sequence("biden_1", RIGHT_THEN_LEFT), [RIGHT, LEFT], True),
        ("obama look-up", sequence("obama_1", LOOK_UP), [UP], True),
        ("obama 12 frames", sequence("obama_1", LEFT_THEN_RIGHT + [(0, 0)]), [LEFT, RIGHT], True),
        ("still photo x10", still("obama_1", 10), [LEFT, RIGHT], False),
        ("still + camera noise", sequence("obama_1", [(0, 0)] * 10), [LEFT, RIGHT], False),
        ("wrong order", sequence("obama_1", RIGHT_THEN_LEFT), [LEFT, RIGHT], False),
        ("other face turns", obama[:6] + biden[6:10] + obama[10:], [LEFT, RIGHT], False),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each sequence")
    parser.add_argument("--verify-runs", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-liveness-"))
    models = load_models(work / "deepface")
    activities = LivenessActivities(LivenessModels(models, load_landmark_model()), BlobStore(work / "blobs"))
    blobs = BlobStore(work / "blobs")
    env = ActivityEnvironment()

    # The machine is shared: the load says how far wall-clock figures are stretched, CPU seconds are not.
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'sequence':24} {'frames':>6} {'expect':>6} {'verdict':>7} {'p50 s':>7} {'p95 s':>7} {'cpu s':>6}  reasons")
    all_times: list[float] = []
    correct = 0
    prepared = []
    for name, frames, steps, should_pass in cases():
        data = [jpeg(frame) for frame in frames]
        refs = []
        for frame_bytes in data:
            ref = blobs.new_ref("BENCH-1", "jpg")
            blobs.write_chunks(ref, [frame_bytes])
            refs.append(ref)
        prepared.append((name, data, steps, should_pass))
        request = LivenessInput(
            order_id="BENCH-1", challenge_id="bench", steps=steps, frame_refs=refs, timestamps_ms=TIMES_MS[: len(refs)]
        )
        times = []
        cpu = []
        result = None
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = env.run(activities.liveness_check, request)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert result is not None
        all_times += times
        correct += result.passed == should_pass
        print(
            f"{name:24} {len(refs):6} {'pass' if should_pass else 'fail':>6} {'pass' if result.passed else 'fail':>7}"
            f" {statistics.median(times):7.3f} {percentile(times, 0.95):7.3f} {statistics.median(cpu):6.3f}"
            f"  {' '.join(result.reasons)}"
        )
    print(
        f"liveness: {correct}/{len(prepared)} verdicts as expected; all sequences p50 {statistics.median(all_times):.3f} s,"
        f" p95 {percentile(all_times, 0.95):.3f} s (target p95 <= 1.0 s)"
    )

    # Baseline: identity only, deepface's public API on every frame against the first.
    import cv2
    import numpy as np
    from deepface import DeepFace

    print(f"\nbaseline DeepFace.verify (Dlib, dlib detector), every frame against the first, {args.verify_runs} runs")
    base_times: list[float] = []
    base_correct = 0
    for name, data, _, should_pass in prepared:
        frames = [cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_COLOR) for d in data]
        verified = False
        for _ in range(args.verify_runs):
            started = time.perf_counter()
            verified = all(
                DeepFace.verify(frames[0], frame, model_name="Dlib", detector_backend="dlib", enforce_detection=False)[
                    "verified"
                ]
                for frame in frames[1:]
            )
            base_times.append(time.perf_counter() - started)
        base_correct += verified == should_pass
        print(f"{name:24} expect {'pass' if should_pass else 'fail':4}  verify says {'pass' if verified else 'fail'}")
    print(
        f"baseline: {base_correct}/{len(prepared)} verdicts as expected; p50 {statistics.median(base_times):.3f} s,"
        f" p95 {percentile(base_times, 0.95):.3f} s per sequence"
    )


if __name__ == "__main__":
    main()
