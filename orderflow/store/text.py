"""Free text on its way into a column: it must always fit, so no note can stall an order.

The columns hold the longest text the contract lets anyone send (a 500-character note behind the
workflow's own prefix, "operator:" or "agent:" before a 64-character id). Anything longer is a
bug somewhere else, and an audit row with a cut note beats one that is retried for ever: the
store cuts it and says so with a marker.
"""

from typing import Any

TRUNCATED = "…[truncated]"
# PostgreSQL text cannot hold NUL at all; the character stands in for it where one slipped through.
_NUL_STAND_IN = "\ufffd"


def fit(value: str, column: Any) -> str:
    """`value` without NUL characters, cut with a marker to the length of `column` (a model attribute)."""
    value = value.replace("\x00", _NUL_STAND_IN)
    limit = column_length(column)
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - len(TRUNCATED)] + TRUNCATED


def fit_optional(value: str | None, column: Any) -> str | None:
    return None if value is None else fit(value, column)


def column_length(column: Any) -> int | None:
    # A model attribute (AuditEvent.note) carries its column's type; characters, not bytes, on both databases.
    length = getattr(column.type, "length", None)
    return int(length) if length is not None else None
