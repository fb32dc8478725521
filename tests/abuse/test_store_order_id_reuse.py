"""An order id is used once: the store refuses a known id for a new workflow run, so an order
started again after the namespace forgot the first one cannot inherit its codes, messages and audit."""

from datetime import timedelta

import pytest
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from orderflow.store.orders import Order
from tests.abuse.store_helpers import T0, new_order, rows, run, store_on


def test_a_retry_of_the_same_run_writes_once(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()

    run(store.record_order, order, run_id="run-a")
    run(store.record_order, order, run_id="run-a")  # retried

    [row] = rows(any_engine, Order, order.order_id)
    assert (row.stage, row.customer_no) == ("received", order.customer_no)


def test_a_new_run_with_a_known_order_id_is_refused(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    first = new_order()
    run(store.record_order, first, run_id="run-a")
    reused = new_order(order_id=first.order_id, at=T0 + timedelta(days=120))

    with pytest.raises(ApplicationError) as refused:
        run(store.record_order, reused, run_id="run-b")

    assert (refused.value.type, refused.value.non_retryable) == ("OrderIdReused", True)
    assert first.order_id in str(refused.value)
    [row] = rows(any_engine, Order, first.order_id)
    assert (row.customer_no, row.created_at) == (first.customer_no, T0)  # the first order's row is untouched


def test_a_reset_of_the_same_order_is_recognised_by_its_start(any_engine, tmp_path):
    # A reset run has a new run id but replays the first run's start: it is the same order.
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order, run_id="run-a")

    run(store.record_order, order, run_id="run-a-reset")

    assert len(rows(any_engine, Order, order.order_id)) == 1


def test_a_row_from_before_run_ids_is_recognised_by_its_start(any_engine, tmp_path):
    store = store_on(any_engine, tmp_path)
    order = new_order()
    run(store.record_order, order, run_id="run-a")
    with Session(any_engine) as session:
        row = session.get(Order, order.order_id)
        assert row is not None
        row.workflow_run_id = None  # as written by a worker before the column existed
        session.add(row)
        session.commit()

    run(store.record_order, order, run_id="run-a")  # the same order's retry after the upgrade
    with pytest.raises(ApplicationError) as refused:
        run(store.record_order, new_order(order_id=order.order_id, at=T0 + timedelta(days=120)), run_id="run-b")

    assert refused.value.type == "OrderIdReused"
