"""Every message context a workflow ever wrote reads into its event's model and back without a change: the
committed histories (every release) carry them, as running orders do."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from orderflow.contract.message_context import (
    CONTEXTS,
    AttemptFailed,
    OrderReceived,
    VideoIdentResult,
    read_context,
)
from orderflow.contract.messages import Event
from orderflow.contract.names import SEND_MESSAGE_ACTIVITY
from orderflow.contract.order import IdentMethod
from orderflow.contract.outcomes import VideoRejectReason
from orderflow.settings import Settings
from orderflow.temporal import data_converter

HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"


async def recorded_contexts(settings: Settings) -> list[tuple[str, Event, dict]]:
    codec = data_converter(settings).payload_codec
    assert codec is not None
    found = []
    for path in sorted(HISTORIES.rglob("*.json")):
        history = WorkflowHistory.from_json(path.name, path.read_text())
        for event in history.events:
            scheduled = event.activity_task_scheduled_event_attributes
            if not event.HasField("activity_task_scheduled_event_attributes"):
                continue
            if scheduled.activity_type.name != SEND_MESSAGE_ACTIVITY:
                continue
            (payload,) = await codec.decode(list(scheduled.input.payloads))
            request = json.loads(payload.data)
            found.append((str(path.relative_to(HISTORIES)), Event(request["event"]), request["context"]))
    return found


async def test_every_recorded_context_reads_back_unchanged(settings: Settings) -> None:
    contexts = await recorded_contexts(settings)
    assert len(contexts) > 500
    assert {event for _, event, _ in contexts} == set(CONTEXTS)
    for where, event, context in contexts:
        model = read_context(event, context)
        assert isinstance(model, CONTEXTS[event]), where
        # Same keys, same order, same values: what the workflow writes today is what it always wrote.
        assert list(model.as_dict().items()) == list(context.items()), where


def test_moments_are_written_as_isoformat_and_read_as_datetimes() -> None:
    deadline = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    written = OrderReceived(ident_method=IdentMethod.ONLINE, ident_deadline=deadline, high_value=True).as_dict()
    assert written == {"ident_method": "online", "ident_deadline": "2026-03-02T09:30:00+00:00", "high_value": True}
    read = read_context(Event.ORDER_RECEIVED, written)
    assert isinstance(read, OrderReceived) and read.ident_deadline == deadline


def test_older_orders_free_text_verdict_reason_is_read() -> None:
    read = read_context(Event.VIDEO_IDENT_RESULT, {"verdict": "rejected", "reason": "blurred passport"})
    assert isinstance(read, VideoIdentResult)
    assert (read.verdict, read.reason, read.reason_code) == ("rejected", "blurred passport", None)
    coded = read_context(Event.VIDEO_IDENT_RESULT, {"verdict": "rejected", "reason_code": "face_mismatch"})
    assert isinstance(coded, VideoIdentResult) and coded.reason_code == VideoRejectReason.FACE_MISMATCH


@pytest.mark.parametrize("attempt", ["three", True, [1]])
def test_a_value_of_the_wrong_type_is_left_out_and_the_rest_is_kept(attempt: object) -> None:
    read = read_context(Event.ATTEMPT_FAILED, {"attempt": attempt, "reason": "not_home", "attempts_left": 1})
    assert isinstance(read, AttemptFailed)
    assert (read.attempt, read.reason, read.attempts_left) == (None, "not_home", 1)


def test_unknown_keys_are_ignored() -> None:
    read = read_context(Event.DELIVERED, {"attempt": 2, "courier": "someone"})
    assert read.as_dict() == {"attempt": 2}
