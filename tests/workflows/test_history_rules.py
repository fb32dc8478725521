"""Rules for the recorded histories (docs/versioning.md): append-only, one folder per release, and a workflow
change is not done until the release that makes it has recorded its histories."""

import hashlib

import pytest

from tests.workflows.fingerprint import workflow_fingerprint
from tests.workflows.record_histories import CHECKSUMS_FILE, FINGERPRINT_FILE, HISTORIES
from tests.workflows.test_replay import ALL, RELEASES


def test_every_path_of_the_lifecycle_has_histories_in_every_release():
    assert len(RELEASES) >= 2
    for folder in RELEASES:
        assert len(list(folder.glob("*.json"))) >= 16, folder.name
    assert len(ALL) >= 40


@pytest.mark.parametrize("release", [folder.name for folder in RELEASES])
def test_recorded_histories_are_never_rewritten(release: str):
    folder = HISTORIES / release
    recorded = dict(line.split("  ", 1)[::-1] for line in (folder / CHECKSUMS_FILE).read_text().splitlines())
    present = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.glob("*.json")}
    assert present == recorded


def test_workflow_changes_come_with_new_histories():
    newest = RELEASES[-1]
    recorded_with = (newest / FINGERPRINT_FILE).read_text().strip()
    assert workflow_fingerprint() == recorded_with, (
        f"workflows/ changed since {newest.name} was recorded: record the next release beside it "
        f"(python -m tests.workflows.record_histories v{int(newest.name[1:]) + 1})"
    )
