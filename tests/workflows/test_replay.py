"""Replays committed histories of finished orders: a workflow change that would break orders
already running fails here. (Re-record with `python -m tests.workflows.record_histories`.)"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from orderflow.temporal import data_converter
from workflows.order import OrderWorkflow

HISTORIES = {path.stem: path.read_text() for path in sorted((Path(__file__).parent / "histories").glob("*.json"))}


def test_there_are_histories_to_replay():
    assert len(HISTORIES) >= 4


@pytest.mark.parametrize("name", HISTORIES)
async def test_replay(name: str, settings):
    history = WorkflowHistory.from_json(name, HISTORIES[name])
    replayer = Replayer(workflows=[OrderWorkflow], data_converter=data_converter(settings))

    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)

    assert result.replay_failure is None
