"""The values that steer one order, fixed when it starts (recorded in its history)."""

from datetime import time, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field


class OrderPolicy(BaseModel):
    ident_deadline: timedelta = timedelta(minutes=60)
    ident_reminder_before: timedelta = timedelta(minutes=15)
    video_session_max: timedelta = timedelta(minutes=20)
    photo_tries: int = 3
    code_tries: int = 5
    delivery_attempts: int = 3
    high_value_threshold: Decimal = Decimal("500.00")
    timezone: str = "Europe/Berlin"
    # ISO weekday numbers (Monday = 1) on which couriers deliver.
    delivery_weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(default=[1, 2, 3, 4, 5, 6], min_length=1)
    delivery_day_start: time = time(8, 0)
    # When set, every day of the delivery calendar lasts this long (demos, end-to-end runs).
    compressed_day: timedelta | None = None
    # Read only by orders started before the recorded clock, which decide as they did: move an attempt whose day
    # orderflow ran too late for to the next day, judged by the workflow's clock (off by default there, as a live
    # worker's clock could differ from its replay's). Newer orders always do, by a clock reading kept in history.
    reschedule_late_days: bool = False


# Policy fields kept for the running orders whose recorded policy holds them; no setting steers them any more.
RETIRED_FIELDS = frozenset({"reschedule_late_days"})
