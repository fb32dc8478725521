"""Refusing an update from its validator: nothing lands in history, the caller gets the reason."""

from typing import NoReturn

from temporalio.exceptions import ApplicationError

from orderflow.contract.guards import Refusal


def refuse(code: str, message: str) -> NoReturn:
    # `type` carries the machine-readable code; the API turns it into a 409 with the message.
    raise ApplicationError(message, type=code, non_retryable=True)


def refuse_if(refusal: Refusal | None) -> None:
    """Refuses with a rule of the contract (orderflow/contract/guards.py) when it says no."""
    if refusal is not None:
        refuse(refusal.code, refusal.message)
