"""Monthly instalments by calendar month, pro rata for a month only partly covered.

The rule (decided from the field, kept as data in rules/instalments.toml and, per region, in
rules/traineeship_regions.toml):
- A placement's money is paid per calendar month it touches, due on the month's last day. A month
  covered whole is the full monthly amount; a month covered in part (a start or an end mid-month, an
  interruption) is paid pro rata: monthly x covered days / days of the month on the basis the rules name
  (`calendar_days`: the month's real length; `thirtieths`: the commercial month of 30 days that Italian
  payroll uses, a month covered to its last day counting as day 30).
- A traineeship allowance is paid in full when the trainee attended at least the region's share of the
  hours planned for the (covered part of the) month (70 % in the 2017 national guidelines); below that
  share the region says `proportional` (hours attended / hours planned) or `nothing`.
- Every amount is exact Decimal, rounded ROUND_HALF_UP to the cent; the last month of a schedule takes
  the remainder, so the schedule adds up to the period's exact amount rounded once.
A fund is committed for the sum of the schedule and is never paid beyond it (see funds.py and the
adapters' conditional UPDATEs)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from uuid import UUID

from employment.domain.funds import Instalment
from shared.errors import RuleViolation

CENT = Decimal("0.01")
MAX_INSTALMENTS = 25  # 24 months (the longest bursary or traineeship) over at most 25 calendar months
Basis = Literal["calendar_days", "thirtieths"]
BelowShare = Literal["proportional", "nothing"]


@dataclass(frozen=True)
class AttendanceRule:
    """A region's rule for the full allowance: the least share of planned hours, and what is paid below it."""

    full_share: Decimal
    below: BelowShare

    def pays_in_full(self, *, planned_hours: Decimal, attended_hours: Decimal) -> bool:
        """The whole month's amount is due from the share of planned hours on (or when none were planned)."""
        return planned_hours <= 0 or attended_hours >= planned_hours * self.full_share


@dataclass(frozen=True)
class MonthShare:
    """One calendar month of a period: which days it covers and the fraction of the month they are."""

    month_no: int
    first: date
    last: date
    fraction: Decimal

    @property
    def due_on(self) -> date:
        return self.last.replace(day=calendar.monthrange(self.last.year, self.last.month)[1])


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def covered_fraction(first: date, last: date, basis: Basis) -> Decimal:
    """The share of `first`'s month covered by the days first..last (both included, same month)."""
    if (first.year, first.month) != (last.year, last.month) or last < first:
        raise ValueError("one month's days, in order")
    if basis == "calendar_days":
        return Decimal((last - first).days + 1) / Decimal(calendar.monthrange(first.year, first.month)[1])
    start = min(first.day, 30)
    end = 30 if last == _month_end(last) else min(last.day, 30)
    return Decimal(max(end - start + 1, 0)) / Decimal(30)


def months_of(start: date, end: date, basis: Basis) -> list[MonthShare]:
    """Each calendar month the period start..end (included) touches, with its covered fraction."""
    if end < start:
        raise RuleViolation("end_date", "end_before_start", "the period ends before it starts")
    out: list[MonthShare] = []
    first = start
    while first <= end:
        last = min(_month_end(first), end)
        out.append(MonthShare(len(out) + 1, first, last, covered_fraction(first, last, basis)))
        first = last + timedelta(days=1)
    if len(out) > MAX_INSTALMENTS:
        raise RuleViolation("end_date", "too_many_instalments",
                            f"a placement is paid over at most {MAX_INSTALMENTS} calendar months")
    return out


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pro_rata(monthly: Decimal, fraction: Decimal) -> Decimal:
    """The month's amount for the covered fraction, ROUND_HALF_UP to the cent (a whole month is `monthly`)."""
    return cents(monthly if fraction >= 1 else monthly * fraction)


def schedule(placement_id: UUID, *, start: date, end: date, monthly: Decimal, basis: Basis) -> list[Instalment]:
    """The placement's instalments, one per calendar month, a partial first or last month pro rata. Months
    are rounded one by one except the last, which takes what makes the whole schedule equal the period's
    exact amount (monthly x the sum of the fractions) rounded once: no cent is gained or lost over a
    placement, so N months from any start day on the `thirtieths` basis are exactly N monthly amounts."""
    months = months_of(start, end, basis)
    total = cents(monthly * sum((m.fraction for m in months), Decimal(0)))
    amounts = [pro_rata(monthly, m.fraction) for m in months[:-1]]
    amounts.append(total - sum(amounts, Decimal(0)))
    return [Instalment(placement_id, m.month_no, m.due_on, a) for m, a in zip(months, amounts, strict=True) if a > 0]


def attended_amount(scheduled: Decimal, *, planned_hours: Decimal, attended_hours: Decimal,
                    rule: AttendanceRule) -> Decimal:
    """What a traineeship month pays given the hours attended: the scheduled (pro-rata) amount in full from
    the region's share of planned hours, else in proportion or nothing. Never more than scheduled."""
    if attended_hours < 0:
        raise RuleViolation("attended_hours", "not_negative", "hours attended are 0 or more")
    if rule.pays_in_full(planned_hours=planned_hours, attended_hours=attended_hours):
        return scheduled
    if rule.below == "nothing":
        return Decimal("0.00")
    return min(scheduled, cents(scheduled * attended_hours / planned_hours))


def planned_hours(weekly_hours: int, *, scheduled: Decimal, monthly: Decimal, weeks_per_month: Decimal) -> Decimal:
    """Hours planned in an instalment's month: weekly hours x weeks in a month, scaled for a partial month by
    the share it pays (scheduled / monthly), to the hundredth of an hour."""
    share = Decimal(1) if monthly <= 0 else min(Decimal(1), scheduled / monthly)
    return (Decimal(weekly_hours) * weeks_per_month * share).quantize(CENT, rounding=ROUND_HALF_UP)


def cut_at(months: list[MonthShare], last_day: date, basis: Basis) -> list[MonthShare]:
    """The months of a period ended early on `last_day` (included): later months go, the month of the end is
    covered up to it."""
    out = []
    for m in months:
        if m.first > last_day:
            break
        last = min(m.last, last_day)
        out.append(MonthShare(m.month_no, m.first, last, covered_fraction(m.first, last, basis)))
    return out


def parse_attendance(entry: Mapping[str, Any], *, where: str) -> AttendanceRule | None:
    """A region's `[regions.X.attendance]` table (or None when the region has none on file)."""
    table = entry.get("attendance")
    if table is None:
        return None
    share = Decimal(str(table["full_allowance_share"]))
    below = table["below_share"]
    if not Decimal("0") < share <= 1 or below not in ("proportional", "nothing"):
        raise ValueError(f"{where}: attendance needs 0 < full_allowance_share <= 1 and below_share "
                         "'proportional' or 'nothing'")
    return AttendanceRule(share, below)


def parse_basis(value: str) -> Basis:
    if value == "calendar_days":
        return "calendar_days"
    if value == "thirtieths":
        return "thirtieths"
    raise ValueError(f"instalments.toml: partial_month_basis must be calendar_days or thirtieths, not {value!r}")
