"""Month arithmetic for durations and monthly instalments (no dateutil: two functions suffice)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lasts_at_least(start: date, end: date, months: int) -> bool:
    """A period from `start` to `end` (both included) spans at least `months` whole months."""
    return end >= add_months(start, months) - timedelta(days=1)


def lasts_at_most(start: date, end: date, months: int) -> bool:
    """A period from `start` to `end` (both included) spans no more than `months` months."""
    return end <= add_months(start, months) - timedelta(days=1)


def whole_months(start: date, end: date) -> int:
    """How many monthly instalments a period from `start` to `end` (included) has: each started month counts."""
    n = 0
    while add_months(start, n) <= end:
        n += 1
    return n
