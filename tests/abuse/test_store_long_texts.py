"""The longest text every audience may send lands in the store, on SQLite and on PostgreSQL.

The workflow writes these records in the background and waits for them before the order closes:
a record the database refuses for a long text would be retried for ever and keep the order open.
"""

import uuid
from datetime import timedelta

import pytest

from orderflow.contract.outcomes import NOTE_MAX_LENGTH, FailureReason
from orderflow.contract.records import RecordStageChange, RecordVideoSession
from orderflow.store.audit import AuditEvent
from orderflow.store.ident import VideoSession
from orderflow.store.text import TRUNCATED
from tests.abuse.store_helpers import T0, new_order, rows, run, store_on

LONGEST_NOTE = "ü" * NOTE_MAX_LENGTH  # non-ASCII: PostgreSQL counts characters, not bytes
LONGEST_ACTOR_ID = "a" * 64  # ActorId
LONGEST_SESSION_ID = "s" * 64  # SessionId


def audit_records(order_id: str) -> list[RecordStageChange]:
    """Each record built the way the workflow builds it from an outside request, at its longest."""
    shapes = [
        # agent's verdict (VideoIdentResult.reason) beside its code
        ("decision", f"agent:{LONGEST_ACTOR_ID}", f"video verdict rejected (document_not_genuine): {LONGEST_NOTE}"),
        # operator actions (OperatorAction.reason, ≤ 500)
        ("operator", f"operator:{LONGEST_ACTOR_ID}", f"re-opened attempt 100: {LONGEST_NOTE}"),
        ("operator", f"operator:{LONGEST_ACTOR_ID}", f"forced the doorstep ID check: {LONGEST_NOTE}"),
        # an operator's cancel (CancelOrder.reason) and the cancelled stage carrying the reason
        ("operator", f"operator:{LONGEST_ACTOR_ID}", f"cancelled the order: {LONGEST_NOTE}"),
        ("stage", "workflow", LONGEST_NOTE),
        # a courier's failure report (DeliveryFailed.note) beside its reason code, on the stage it leads to
        ("stage", "workflow", f"attempt 100: {FailureReason.ID_CHECK_FAILED.value}; courier's note: {LONGEST_NOTE}"),
        # the claim of a video session by an agent
        ("stage", "workflow", f"claimed by agent {LONGEST_ACTOR_ID}"),
        ("decision", "workflow", f"video session {LONGEST_SESSION_ID} ended without a verdict"),
    ]
    return [
        RecordStageChange(
            order_id=order_id,
            seq=seq,
            kind=kind,
            actor=actor,
            note=note,
            stage="cancelled",
            at=T0 + timedelta(seconds=seq),
        )
        for seq, (kind, actor, note) in enumerate(shapes, start=1)
    ]


def test_longest_audit_notes_and_actors_land_whole(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    records = audit_records(order.order_id)

    for record in records:
        run(store.record_stage_change, record)

    stored = sorted(rows(any_engine, AuditEvent, order.order_id), key=lambda e: e.seq)
    assert [(e.seq, e.actor, e.note) for e in stored] == [(r.seq, r.actor, r.note) for r in records]


def test_longest_video_session_lands_whole(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    session_id = f"{uuid.uuid4().hex}{'s' * 32}"
    assert len(session_id) == 64
    record = RecordVideoSession(
        order_id=order.order_id,
        session_id=session_id,
        state="rejected",
        agent_id=LONGEST_ACTOR_ID,
        requested_at=T0,
        claimed_at=T0 + timedelta(minutes=1),
        decided_at=T0 + timedelta(minutes=9),
        reason=LONGEST_NOTE,
    )

    run(store.record_video_session, record)

    [row] = rows(any_engine, VideoSession, order.order_id)
    assert (row.session_id, row.agent_id, row.reason) == (session_id, LONGEST_ACTOR_ID, LONGEST_NOTE)


def test_a_note_longer_than_any_contract_allows_is_cut_with_a_marker(any_engine, tmp_path):
    # No request can send this today; a future prefix or caller must still never stall an order.
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    note = "x" * 5000

    run(
        store.record_stage_change,
        RecordStageChange(
            order_id=order.order_id, seq=1, kind="decision", actor="o" * 300, note=note, stage="received", at=T0
        ),
    )

    [event] = rows(any_engine, AuditEvent, order.order_id)
    assert event.note.endswith(TRUNCATED)
    assert event.note.startswith("x" * 500)
    assert len(event.note) < len(note)
    assert event.actor.endswith(TRUNCATED)


@pytest.mark.parametrize("field", ["note", "reason"])
def test_a_nul_character_in_free_text_does_not_stall_a_record(any_engine, tmp_path, field):
    # PostgreSQL text cannot hold NUL; an agent's or courier's text may contain one all the same.
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    text = "before\x00after"

    if field == "note":
        run(
            store.record_stage_change,
            RecordStageChange(order_id=order.order_id, seq=1, kind="decision", note=text, stage="received", at=T0),
        )
        [event] = rows(any_engine, AuditEvent, order.order_id)
        stored = event.note
    else:
        run(
            store.record_video_session,
            RecordVideoSession(
                order_id=order.order_id, session_id=uuid.uuid4().hex, state="rejected", requested_at=T0, reason=text
            ),
        )
        [video] = rows(any_engine, VideoSession, order.order_id)
        stored = video.reason
    assert stored.startswith("before") and stored.endswith("after")
    assert "\x00" not in stored
