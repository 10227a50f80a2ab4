"""Which recorded time a report stands as of: a date means the end of that day in Italy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.errors import RuleViolation

ITALY = ZoneInfo("Europe/Rome")


def as_of_instant(value: date | datetime | None, now: datetime) -> datetime:
    """Everything recorded up to this instant counts; a bare date includes that whole Italian day."""
    if value is None:
        return now
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=ITALY)
    else:
        instant = datetime.combine(value + timedelta(days=1), time(0), tzinfo=ITALY) - timedelta(microseconds=1)
    if instant > now + timedelta(minutes=5):
        raise RuleViolation("as_of", "as_of_in_future", "a report stands as of now or a past time, not a future one")
    return instant.astimezone(UTC)


def today_in_italy(now: datetime) -> date:
    """The day it is in Italy at `now` (the platform's "today", whatever the server's zone)."""
    return now.astimezone(ITALY).date()
