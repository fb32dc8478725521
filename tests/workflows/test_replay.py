"""Replays every committed history of finished orders: a workflow change that would break orders already
running fails here. Histories are append-only, one folder per release (docs/versioning.md); the four at
the top level are the first release's earliest recordings."""

import re

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from orderflow.temporal import data_converter
from tests.workflows.record_histories import HISTORIES
from workflows.order import OrderWorkflow

ALL = {str(path.relative_to(HISTORIES)): path for path in sorted(HISTORIES.rglob("*.json"))}
RELEASES = sorted(
    (folder for folder in HISTORIES.iterdir() if re.fullmatch(r"v\d+", folder.name)), key=lambda f: int(f.name[1:])
)


@pytest.mark.parametrize("name", ALL)
async def test_replay(name: str, settings):
    history = WorkflowHistory.from_json(name, ALL[name].read_text())
    replayer = Replayer(workflows=[OrderWorkflow], data_converter=data_converter(settings))

    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)

    assert result.replay_failure is None
