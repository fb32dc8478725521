"""Store errors that no retry can cure become one non-retryable failure, logged and counted.

A value the column cannot hold, a constraint the row breaks, a value the driver cannot bind: the
same write fails the same way every time. Retried without end (the store's retry policy has no
limit, database outages must only delay a write), it would keep the order open for ever, because
the workflow waits for its background writes before it closes. Errors a retry can cure (the
connection dropped, a lock timed out, a deadlock) stay retryable.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from temporalio import activity
from temporalio.exceptions import ApplicationError

STORE_RECORD_REJECTED = "StoreRecordRejected"
RECORDS_REJECTED_METRIC = "orderflow_store_records_rejected"


@contextmanager
def rejected_for_good() -> Iterator[None]:
    """Raises `ApplicationError(type="StoreRecordRejected", non_retryable=True)` for such errors."""
    try:
        yield
    except (DataError, IntegrityError) as error:
        raise _rejected(error) from None
    except StatementError as error:
        if isinstance(error, DBAPIError):
            raise  # from the database or the connection to it: worth another try
        raise _rejected(error) from None  # the driver could not even send the value


def _rejected(error: StatementError) -> ApplicationError:
    # Only the kind of error and its SQLSTATE: the message quotes the values (notes, names, codes).
    kind = type(error).__name__
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or "-"
    activity.logger.warning("store record rejected for good: %s (SQLSTATE %s)", kind, sqlstate)
    activity.metric_meter().create_counter(
        RECORDS_REJECTED_METRIC, "Store records refused by the database for good (not retried)"
    ).add(1, {"error": kind})
    return ApplicationError(
        f"the store refused the record for good: {kind} (SQLSTATE {sqlstate})",
        type=STORE_RECORD_REJECTED,
        non_retryable=True,
    )
