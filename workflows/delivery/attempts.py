"""One delivery attempt's records: its store row (revised at every change) and its one-time codes."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.message_context import DeliveryCode
    from orderflow.contract.names import ISSUE_DELIVERY_CODE, RECORD_DELIVERY_ATTEMPT
    from orderflow.contract.records import IssueCode, RecordDeliveryAttempt
    from workflows import activity_options
    from workflows.order_core import OrderCore
    from workflows.order_state import DeliveryAttempt


def record_attempt(core: OrderCore, attempt: DeliveryAttempt) -> None:
    delivery = core.delivery
    assert delivery.mode is not None
    delivery.store_revision += 1
    core.store(
        RECORD_DELIVERY_ATTEMPT,
        RecordDeliveryAttempt(
            order_id=core.order.order_id,
            attempt=attempt.number,
            code_required=attempt.code_required,
            delivery_mode=delivery.mode.value,
            wrong_codes=attempt.wrong_codes,
            outcome=attempt.outcome.value if attempt.outcome else None,
            started_at=attempt.day.starts_at,
            ends_at=attempt.day.ends_at,
            ended_at=workflow.now() if attempt.outcome else None,
            revision=delivery.store_revision,
        ),
    )


async def issue_code(core: OrderCore, attempt: DeliveryAttempt) -> None:
    attempt.codes_issued += 1
    # The activity keeps the code; only its validity comes back into history.
    await workflow.execute_activity(
        ISSUE_DELIVERY_CODE,
        IssueCode(
            order_id=core.order.order_id,
            attempt=attempt.number,
            valid_until=attempt.day.ends_at,
            issue=attempt.codes_issued,
        ),
        **activity_options.STORE,
    )


def code_message(core: OrderCore, attempt: DeliveryAttempt) -> DeliveryCode:
    assert core.delivery.mode is not None
    return DeliveryCode(attempt=attempt.number, valid_until=attempt.day.ends_at, delivery_mode=core.delivery.mode)
