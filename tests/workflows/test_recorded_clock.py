"""Decisions that depend on the time follow the clock reading kept in history, not the replaying worker's clock.

A worker back after a kill can run a task with another clock than a later replay of the same history sees; the
large chaos run caught both "the day ended while we were down" and "no timer needed" flipping that way. Here a
recorded reading is moved past the day's end: the replay must then decide differently from the history and fail,
which proves that it decides by the reading and not by its own clock.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from activities.clock import read_clock
from orderflow.temporal import data_converter
from tests.workflows.record_histories import HISTORIES
from workflows.order import OrderWorkflow

DAY_ENDED_WHILE_DOWN = HISTORIES / "v5" / "workers_down_at_the_end_of_the_day.json"


async def replay_failure(history_json: dict, settings) -> Exception | None:
    history = WorkflowHistory.from_json("order", json.dumps(history_json))
    replayer = Replayer(workflows=[OrderWorkflow], data_converter=data_converter(settings))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return result.replay_failure


async def clock_readings(history_json: dict, settings) -> list[tuple[dict, datetime]]:
    """The recorded clock readings, in order, each with the marker that holds it."""
    converter = data_converter(settings)
    codec = converter.payload_codec
    assert codec is not None
    readings = []
    for event in history_json["events"]:
        marker = event.get("markerRecordedEventAttributes")
        if not marker or marker["markerName"] != "core_local_activity":
            continue
        [call] = await codec.decode([json_format.ParseDict(marker["details"]["data"]["payloads"][0], Payload())])
        if json.loads(call.data)["activity_type"] != "read_clock":
            continue
        [result] = await codec.decode([json_format.ParseDict(marker["details"]["result"]["payloads"][0], Payload())])
        [reading] = converter.payload_converter.from_payloads([result], [datetime])
        readings.append((marker, reading))
    return readings


async def set_reading(marker: dict, reading: datetime, settings) -> None:
    converter = data_converter(settings)
    assert converter.payload_codec is not None
    [encoded] = await converter.payload_codec.encode(converter.payload_converter.to_payloads([reading]))
    marker["details"]["result"]["payloads"][0] = json_format.MessageToDict(encoded)


async def test_a_replay_decides_by_the_recorded_clock_reading(settings):
    recorded = json.loads(DAY_ENDED_WHILE_DOWN.read_text())
    assert await replay_failure(recorded, settings) is None

    # Readings: at dispatch, when the first delivery day starts, when it ended, when the next one starts.
    readings = await clock_readings(recorded, settings)
    assert len(readings) == 4
    # Read an hour later when the first day starts, the day looks over before the courier went out: a replay that
    # decides by the reading moves the attempt on where the history sent it out for delivery.
    marker, day_starts = readings[1]
    await set_reading(marker, day_starts + timedelta(hours=1), settings)

    assert isinstance(await replay_failure(recorded, settings), NondeterminismError)


@pytest.mark.parametrize(
    ("workflow_clock", "expected"),
    [
        # A worker's workflow clock a task behind: the machine's clock is the truer one.
        (datetime(2020, 1, 1, tzinfo=UTC), "machine"),
        # Under the time-skipping test server the workflow's clock runs ahead of the machine's.
        (datetime(2100, 1, 1, tzinfo=UTC), "workflow"),
    ],
)
async def test_the_reading_is_the_later_of_the_two_clocks(workflow_clock: datetime, expected: str):
    before = datetime.now(UTC)
    reading = await read_clock(workflow_clock)
    if expected == "workflow":
        assert reading == workflow_clock
    else:
        assert before <= reading <= datetime.now(UTC)
