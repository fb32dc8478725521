"""Dates and times as the customer reads them: local time zone, German or English wording.

Small tables instead of the system locale: containers rarely have de_DE installed, and an e-mail
or page must not change its wording with the host it runs on.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = {
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def day(moment: datetime, locale: str, tz: ZoneInfo) -> str:
    """`Samstag, 21.11.2026` / `Saturday, 21 November 2026`."""
    local = moment.astimezone(tz)
    weekday = WEEKDAYS[locale][local.weekday()]
    if locale == "en":
        return f"{weekday}, {local.day} {MONTHS_EN[local.month - 1]} {local.year}"
    return f"{weekday}, {local:%d.%m.%Y}"


def clock(moment: datetime, locale: str, tz: ZoneInfo) -> str:
    """`11:00 Uhr` / `11:00 CET`: the zone name helps readers abroad, German readers expect `Uhr`."""
    local = moment.astimezone(tz)
    return f"{local:%H:%M} {local.tzname()}" if locale == "en" else f"{local:%H:%M} Uhr"


def when(moment: datetime, locale: str, tz: ZoneInfo) -> str:
    """`Samstag, 21.11.2026, 11:00 Uhr` / `Saturday, 21 November 2026, 11:00 CET`."""
    return f"{day(moment, locale, tz)}, {clock(moment, locale, tz)}"


def last_valid_moment(until: datetime) -> datetime:
    # Validity ends at an exclusive instant (midnight after the delivery day); customers read
    # "valid until 23:59", the last minute that still works.
    return until - timedelta(microseconds=1)


def same_local_day(first: datetime, second: datetime, tz: ZoneInfo) -> bool:
    return first.astimezone(tz).date() == second.astimezone(tz).date()
