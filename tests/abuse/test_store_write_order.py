"""Background writes land in any order: the order row follows the workflow's sequence number,
and a delivery attempt keeps its newest revision, even when writes race each other."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from orderflow import privacy
from orderflow.blobs import BlobStore
from orderflow.contract.records import RecordDeliveryAttempt, RecordStageChange
from orderflow.store.delivery import DeliveryAttempt
from orderflow.store.orders import Order
from tests.abuse.store_helpers import T0, new_order, rows, run, store_on


def stage(order_id: str, seq: int, name: str, at_offset: timedelta = timedelta(seconds=5)) -> RecordStageChange:
    # One workflow task: every change in it carries the same timestamp.
    return RecordStageChange(order_id=order_id, seq=seq, stage=name, at=T0 + at_offset)


def test_equal_timestamps_out_of_order_leave_the_highest_sequence(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)

    for record in (
        stage(order.order_id, 3, "cancelled"),
        stage(order.order_id, 1, "received"),
        stage(order.order_id, 2, "awaiting_ident"),
    ):
        run(store.record_stage_change, record)

    [row] = rows(any_engine, Order, order.order_id)
    assert row.stage == "cancelled"


def test_a_later_timestamp_with_a_lower_sequence_does_not_win(any_engine, tmp_path):
    # The sequence number is the workflow's own order of events; clocks play no part.
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)

    run(store.record_stage_change, stage(order.order_id, 2, "cancelled", timedelta(seconds=5)))
    run(store.record_stage_change, stage(order.order_id, 1, "awaiting_ident", timedelta(seconds=9)))

    [row] = rows(any_engine, Order, order.order_id)
    assert (row.stage, row.stage_entered_at) == ("cancelled", T0 + timedelta(seconds=5))


def test_erasure_works_after_a_cancel_whose_writes_crossed(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    run(store.record_stage_change, stage(order.order_id, 1, "received"))
    # Cancelled while awaiting ident, in the same workflow task; the earlier write lands last.
    run(store.record_stage_change, stage(order.order_id, 3, "cancelled"))
    run(store.record_stage_change, stage(order.order_id, 2, "awaiting_ident"))

    erasure = privacy.erase_customer(any_engine, BlobStore(tmp_path / "blobs"), order.customer_no, "operator:op-1")

    assert erasure.orders == [order.order_id]
    assert rows(any_engine, Order, order.order_id)[0].customer_no.startswith("erased-")


def attempt(order_id: str, revision: int, wrong_codes: int) -> RecordDeliveryAttempt:
    return RecordDeliveryAttempt(
        order_id=order_id,
        attempt=1,
        code_required=True,
        delivery_mode="anyone_at_address",
        wrong_codes=wrong_codes,
        started_at=T0,
        ends_at=T0 + timedelta(hours=15),
        revision=revision,
    )


@contextmanager
def newer_write_lands_during_the_first_statement(engine: Engine, write: Any) -> Iterator[list[threading.Thread]]:
    """Runs `write` on another connection right after the next statement on the delivery attempt table:
    a second worker writing at that very moment. Waits briefly for it (a race-safe writer may hold it
    back until it commits) and lets it finish afterwards."""
    threads: list[threading.Thread] = []

    def after_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threads or "deliveryattempt" not in statement.lower():
            return
        thread = threading.Thread(target=write)
        threads.append(thread)
        thread.start()
        thread.join(timeout=2)

    event.listen(engine, "after_cursor_execute", after_statement)
    try:
        yield threads
    finally:
        event.remove(engine, "after_cursor_execute", after_statement)
        for thread in threads:
            thread.join(timeout=60)


def test_an_older_revision_racing_a_newer_one_does_not_overwrite_it(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)
    run(store.record_delivery_attempt, attempt(order.order_id, revision=1, wrong_codes=0))
    errors: list[BaseException] = []

    def newer() -> None:
        try:
            run(store.record_delivery_attempt, attempt(order.order_id, revision=3, wrong_codes=2))
        except BaseException as error:  # reported below, not lost on the thread
            errors.append(error)

    with newer_write_lands_during_the_first_statement(any_engine, newer) as threads:
        run(store.record_delivery_attempt, attempt(order.order_id, revision=2, wrong_codes=1))

    assert len(threads) == 1 and errors == []
    [row] = rows(any_engine, DeliveryAttempt, order.order_id)
    assert (row.revision, row.wrong_codes) == (3, 2)


def test_an_older_revision_arriving_last_does_not_overwrite(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order)

    run(store.record_delivery_attempt, attempt(order.order_id, revision=4, wrong_codes=3))
    run(store.record_delivery_attempt, attempt(order.order_id, revision=2, wrong_codes=1))
    run(store.record_delivery_attempt, attempt(order.order_id, revision=4, wrong_codes=3))  # retried

    [row] = rows(any_engine, DeliveryAttempt, order.order_id)
    assert (row.revision, row.wrong_codes) == (4, 3)
