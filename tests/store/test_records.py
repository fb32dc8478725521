"""Store activities on both databases: what they write, and that a retry or a replay (the same
request again, or an older one arriving late) writes nothing twice and undoes nothing."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from activities.store import StoreActivities
from orderflow.blobs import BlobStore
from orderflow.contract.photo_ident import ImageFinding, ImageKind
from orderflow.contract.records import (
    RecordDeliveryAttempt,
    RecordOrder,
    RecordPhotoCheck,
    RecordStageChange,
    RecordVideoSession,
)
from orderflow.store.audit import AuditEvent
from orderflow.store.delivery import DeliveryAttempt
from orderflow.store.ident import IdentAttempt, VideoSession
from orderflow.store.orders import Order

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(engine: Engine, tmp_path) -> StoreActivities:
    return StoreActivities(engine, BlobStore(tmp_path / "blobs"))


@pytest.fixture
def order_id(store: StoreActivities) -> str:
    order_id = f"S-{uuid.uuid4().hex[:10]}"
    run(
        store.record_order,
        RecordOrder(
            order_id=order_id,
            customer_no="K-555001",
            ident_method="online",
            total="899.00",
            currency="EUR",
            high_value=True,
            at=T0,
        ),
    )
    return order_id


def run(activity_method, request) -> None:
    ActivityEnvironment().run(activity_method, request)


def rows(engine: Engine, table, order_id: str) -> list:
    with Session(engine) as session:
        return list(session.exec(select(table).where(table.order_id == order_id)))


def test_order_and_stage_changes_once_each(engine, store, order_id):
    change = RecordStageChange(order_id=order_id, seq=1, stage="awaiting_ident", at=T0 + timedelta(seconds=1))

    run(store.record_stage_change, change)
    run(store.record_stage_change, change)  # retried
    run(store.record_order, RecordOrder(**rows(engine, Order, order_id)[0].model_dump(), at=T0))

    [event] = rows(engine, AuditEvent, order_id)
    assert (event.seq, event.stage, event.kind, event.actor) == (1, "awaiting_ident", "stage", "workflow")
    [order] = rows(engine, Order, order_id)
    assert order.stage == "awaiting_ident"
    assert order.stage_entered_at == T0 + timedelta(seconds=1)


def test_a_late_stage_row_does_not_set_an_older_stage(engine, store, order_id):
    run(
        store.record_stage_change,
        RecordStageChange(order_id=order_id, seq=2, stage="photo_check", at=T0 + timedelta(minutes=2)),
    )
    run(
        store.record_stage_change,
        RecordStageChange(order_id=order_id, seq=1, stage="awaiting_ident", at=T0 + timedelta(minutes=1)),
    )

    assert rows(engine, Order, order_id)[0].stage == "photo_check"
    assert sorted(e.seq for e in rows(engine, AuditEvent, order_id)) == [1, 2]


def photo_check(order_id: str, submission: int, verdict: str = "failed") -> RecordPhotoCheck:
    return RecordPhotoCheck(
        order_id=order_id,
        submission=submission,
        verdict=verdict,
        reasons=["BACK_GLARE"] if verdict == "failed" else [],
        images=[
            ImageFinding(ref=f"{order_id}/{'a' * 32}.jpg", kind=ImageKind.ID_FRONT),
            ImageFinding(ref=f"{order_id}/{'b' * 32}.jpg", kind=ImageKind.ID_BACK, reasons=["BACK_GLARE"]),
        ],
        document_type="TD1",
        face_distance=0.41,
        face_threshold=0.6,
        at=T0 + timedelta(minutes=submission),
    )


def test_photo_checks_one_row_per_submission(engine, store, order_id):
    run(store.record_photo_check, photo_check(order_id, 1))
    run(store.record_photo_check, photo_check(order_id, 1))  # retried
    run(store.record_photo_check, photo_check(order_id, 2, "passed"))

    attempts = sorted(rows(engine, IdentAttempt, order_id), key=lambda a: a.submission)
    assert [(a.submission, a.verdict) for a in attempts] == [(1, "failed"), (2, "passed")]
    assert attempts[0].reasons == ["BACK_GLARE"]
    back = attempts[0].images[1]
    assert (back["ref"], back["kind"], back["reasons"]) == (f"{order_id}/{'b' * 32}.jpg", "id_back", ["BACK_GLARE"])
    assert attempts[0].face_distance == pytest.approx(0.41)


def video(order_id: str, session_id: str, state: str, **more) -> RecordVideoSession:
    return RecordVideoSession(order_id=order_id, session_id=session_id, state=state, requested_at=T0, **more)


def test_video_session_upserts_and_never_goes_back(engine, store, order_id):
    session_id = f"vs-{uuid.uuid4().hex[:8]}"
    claimed = video(order_id, session_id, "claimed", agent_id="agent-7", claimed_at=T0 + timedelta(minutes=3))
    approved = claimed.model_copy(update={"state": "approved", "decided_at": T0 + timedelta(minutes=9), "reason": "ok"})

    run(store.record_video_session, video(order_id, session_id, "waiting"))
    run(store.record_video_session, claimed)
    run(store.record_video_session, approved)
    run(store.record_video_session, claimed)  # a late write of an earlier state
    run(store.record_video_session, approved)  # retried

    [row] = rows(engine, VideoSession, order_id)
    assert (row.state, row.agent_id, row.reason) == ("approved", "agent-7", "ok")
    assert row.claimed_at == T0 + timedelta(minutes=3)
    assert row.decided_at == T0 + timedelta(minutes=9)


def attempt(order_id: str, number: int, **more) -> RecordDeliveryAttempt:
    values = {
        "order_id": order_id,
        "attempt": number,
        "code_required": True,
        "delivery_mode": "anyone_at_address",
        "started_at": T0 + timedelta(days=number),
        "ends_at": T0 + timedelta(days=number, hours=15),
    }
    return RecordDeliveryAttempt.model_validate(values | more)


def test_delivery_attempt_upserts_and_the_newest_revision_wins(engine, store, order_id):
    run(store.record_delivery_attempt, attempt(order_id, 1, revision=1))
    run(store.record_delivery_attempt, attempt(order_id, 1, wrong_codes=2, revision=2))
    ended = attempt(
        order_id, 1, wrong_codes=5, outcome="code_locked", ended_at=T0 + timedelta(days=1, hours=2), revision=4
    )
    run(store.record_delivery_attempt, ended)
    run(store.record_delivery_attempt, attempt(order_id, 1, wrong_codes=3, revision=3))  # late
    run(store.record_delivery_attempt, ended)  # retried
    run(store.record_delivery_attempt, attempt(order_id, 2, revision=5))

    first, second = sorted(rows(engine, DeliveryAttempt, order_id), key=lambda a: a.attempt)
    assert (first.wrong_codes, first.outcome, first.ended_at) == (5, "code_locked", T0 + timedelta(days=1, hours=2))
    assert (second.attempt, second.outcome, second.wrong_codes) == (2, None, 0)


def test_a_reopened_attempt_is_under_way_again(engine, store, order_id):
    locked = attempt(order_id, 1, wrong_codes=5, outcome="code_locked", ended_at=T0 + timedelta(days=1), revision=3)
    run(store.record_delivery_attempt, locked)
    run(store.record_delivery_attempt, attempt(order_id, 1, revision=4))  # an operator re-opened it

    [row] = rows(engine, DeliveryAttempt, order_id)
    assert (row.outcome, row.wrong_codes, row.ended_at) == (None, 0, None)
