"""Which recorded time a report stands as of: a date means the end of that day in Italy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.errors import RuleViolation

ITALY = ZoneInfo("Europe/Rome")
EARLIEST_YEAR = 2000  # as the reports' years: nothing was recorded before


def as_of_instant(value: date | datetime | None, now: datetime) -> datetime:
    """Everything recorded up to this instant counts; a bare date includes that whole Italian day."""
    if value is None:
        return now
    if value.year < EARLIEST_YEAR:
        raise RuleViolation("as_of", "as_of_out_of_range", f"a report stands as of {EARLIEST_YEAR} or later")
    if value.year > now.year + 1:  # before any arithmetic: the last day of year 9999 has no day after
        raise RuleViolation("as_of", "as_of_in_future", "a report stands as of now or a past time, not a future one")
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=ITALY)
    elif value > today_in_italy(now):
        raise RuleViolation("as_of", "as_of_in_future", "a report stands as of today or a past day, not a future one")
    else:  # today: everything recorded so far
        instant = min(datetime.combine(value + timedelta(days=1), time(0), tzinfo=ITALY) - timedelta(microseconds=1),
                      now)
    if instant > now + timedelta(minutes=5):
        raise RuleViolation("as_of", "as_of_in_future", "a report stands as of now or a past time, not a future one")
    return instant.astimezone(UTC)


def today_in_italy(now: datetime) -> date:
    """The day it is in Italy at `now` (the platform's "today", whatever the server's zone)."""
    return now.astimezone(ITALY).date()
