"""Delivery days: when an attempt starts and when its code dies. Pure and deterministic, so the
workflow can call it with `workflow.now()`.

Real calendar: the configured weekdays in the configured time zone, from `delivery_day_start`
until midnight. Compressed calendar (demos, end-to-end runs): every day lasts `compressed_day`,
counted from the order's start, and every day is a delivery day.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from orderflow.contract.policy import OrderPolicy


class DeliveryDay(BaseModel):
    local_date: date
    starts_at: datetime
    ends_at: datetime


def next_delivery_day(policy: OrderPolicy, after: datetime, epoch: datetime) -> DeliveryDay:
    """The first delivery day that begins after `after` (never today's, which is under way)."""
    if policy.compressed_day is not None:
        length = policy.compressed_day
        index = (after - epoch) // length + 1
        starts_at = epoch + index * length
        return DeliveryDay(
            local_date=(epoch + index * timedelta(days=1)).date(),
            starts_at=starts_at,
            ends_at=starts_at + length,
        )
    zone = ZoneInfo(policy.timezone)
    day = after.astimezone(zone).date() + timedelta(days=1)
    while day.isoweekday() not in policy.delivery_weekdays:
        day += timedelta(days=1)
    starts_at = datetime.combine(day, policy.delivery_day_start, tzinfo=zone)
    ends_at = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return DeliveryDay(
        local_date=day, starts_at=starts_at.astimezone(after.tzinfo), ends_at=ends_at.astimezone(after.tzinfo)
    )
