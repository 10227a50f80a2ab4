"""Instalments by calendar month, pro rata for a partial month, and the region's attendance rule (pure)."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.adapters.rulebook import RULES, rulebook
from employment.domain.calendar import add_months
from employment.domain.instalments import (
    AttendanceRule,
    attended_amount,
    covered_fraction,
    cut_at,
    months_of,
    parse_attendance,
    parse_basis,
    planned_hours,
    pro_rata,
    schedule,
)
from shared.errors import RuleViolation

pytestmark = pytest.mark.unit
D = Decimal
SEVENTY = AttendanceRule(D("0.70"), "proportional")


def amounts(start: date, end: date, monthly: str = "450.00", basis="calendar_days") -> list[tuple[date, Decimal]]:
    return [(i.due_on, i.amount) for i in schedule(uuid4(), start=start, end=end, monthly=D(monthly), basis=basis)]


def test_whole_months_pay_the_monthly_amount_due_on_each_months_last_day():
    assert amounts(date(2027, 2, 1), date(2027, 4, 30)) == [
        (date(2027, 2, 28), D("450.00")), (date(2027, 3, 31), D("450.00")), (date(2027, 4, 30), D("450.00"))]


def test_a_start_and_an_end_mid_month_are_paid_by_the_days_covered():
    # 16..31 March is 16/31 of 450 = 232.258... -> 232.26; 1..15 May is 15/31 -> 217.74.
    assert amounts(date(2027, 3, 16), date(2027, 5, 15)) == [
        (date(2027, 3, 31), D("232.26")), (date(2027, 4, 30), D("450.00")), (date(2027, 5, 31), D("217.74"))]


def test_rounding_is_half_up_to_the_cent():
    # 1 day of February 2027 (28 days) at 800: 28.5714... -> 28.57; and
    # 7 days of a 28-day month at 450.10: 112.525 -> 112.53 (half up, where banker's rounding gives 112.52).
    assert pro_rata(D("800.00"), covered_fraction(date(2027, 2, 28), date(2027, 2, 28), "calendar_days")) == D("28.57")
    assert pro_rata(D("450.10"), covered_fraction(date(2027, 2, 1), date(2027, 2, 7), "calendar_days")) == D("112.53")


def test_february_and_a_31_day_month_differ_on_calendar_days_not_on_thirtieths():
    half_feb = covered_fraction(date(2027, 2, 15), date(2027, 2, 28), "calendar_days")
    assert half_feb == D(14) / D(28)
    assert covered_fraction(date(2027, 2, 15), date(2027, 2, 28), "thirtieths") == D(16) / D(30)
    assert covered_fraction(date(2027, 3, 1), date(2027, 3, 31), "thirtieths") == 1
    assert covered_fraction(date(2027, 3, 31), date(2027, 3, 31), "thirtieths") == D(1) / D(30)
    assert covered_fraction(date(2027, 3, 16), date(2027, 3, 31), "thirtieths") == D(15) / D(30)


def test_a_period_inside_one_month_is_one_partial_instalment():
    assert amounts(date(2027, 4, 10), date(2027, 4, 19), "600.00") == [(date(2027, 4, 30), D("200.00"))]


def test_the_schedule_never_exceeds_its_days_share_by_more_than_the_rounding():
    start, end, monthly = date(2027, 1, 15), date(2027, 4, 14), D("450.00")
    plan = schedule(uuid4(), start=start, end=end, monthly=monthly, basis="calendar_days")
    exact = sum((monthly * m.fraction for m in months_of(start, end, "calendar_days")), D(0))
    assert abs(sum(i.amount for i in plan) - exact) <= D("0.01") * len(plan)


@pytest.mark.parametrize("monthly", ["450.00", "800.00", "333.33", "0.45"])
def test_n_months_from_any_day_1_to_28_pay_exactly_n_monthly_amounts_on_thirtieths(monthly):
    for start in (date(2027, m, d) for m in range(1, 13) for d in range(1, 29)):
        for n in (1, 2, 5, 12, 24):
            end = add_months(start, n) - timedelta(days=1)
            plan = schedule(uuid4(), start=start, end=end, monthly=D(monthly), basis="thirtieths")
            assert sum(i.amount for i in plan) == D(monthly) * n, (start, n)


def test_the_last_month_takes_the_rounding_remainder():
    # 0.45 a month from 2 March for 1 month on thirtieths: March 29/30 = 0.435 -> 0.44, April 1/30 -> the
    # remainder 0.01 (rounded alone it would be 0.02 and the month would cost 0.46).
    assert [i.amount for i in schedule(uuid4(), start=date(2027, 3, 2), end=date(2027, 4, 1), monthly=D("0.45"),
                                       basis="thirtieths")] == [D("0.44"), D("0.01")]


def test_an_interruption_pays_its_month_up_to_the_day_and_drops_later_months():
    months = months_of(date(2027, 2, 1), date(2027, 5, 31), "calendar_days")
    kept = cut_at(months, date(2027, 3, 10), "calendar_days")
    assert [(m.month_no, m.first, m.last) for m in kept] == [
        (1, date(2027, 2, 1), date(2027, 2, 28)), (2, date(2027, 3, 1), date(2027, 3, 10))]
    assert [pro_rata(D("450.00"), m.fraction) for m in kept] == [D("450.00"), D("145.16")]
    assert cut_at(months, date(2027, 5, 31), "calendar_days") == months


def test_a_period_ending_before_it_starts_or_too_long_is_refused():
    with pytest.raises(RuleViolation) as e:
        months_of(date(2027, 3, 2), date(2027, 3, 1), "calendar_days")
    assert e.value.rule == "end_before_start"
    with pytest.raises(RuleViolation) as e:
        months_of(date(2027, 1, 2), date(2029, 2, 1), "calendar_days")
    assert e.value.rule == "too_many_instalments"


@pytest.mark.parametrize(("attended", "paid"), [
    ("130.00", "500.00"),   # above 70 % of 130 planned hours
    ("91.00", "500.00"),    # exactly 70 %: full
    ("90.99", "349.96"),    # just below: 500 x 90.99 / 130 = 349.9615... -> 349.96
    ("65.00", "250.00"),    # half the hours: half the allowance
    ("0", "0.00"),
])
def test_the_allowance_is_full_from_the_attendance_share_and_proportional_below(attended, paid):
    assert attended_amount(D("500.00"), planned_hours=D("130"), attended_hours=D(attended), rule=SEVENTY) == D(paid)


def test_below_the_share_a_region_may_pay_nothing_and_never_more_than_scheduled():
    nothing = AttendanceRule(D("0.70"), "nothing")
    assert attended_amount(D("500.00"), planned_hours=D("130"), attended_hours=D("90"), rule=nothing) == D("0.00")
    assert attended_amount(D("500.00"), planned_hours=D("130"), attended_hours=D("400"), rule=SEVENTY) == D("500.00")
    with pytest.raises(RuleViolation) as e:
        attended_amount(D("500.00"), planned_hours=D("130"), attended_hours=D("-1"), rule=SEVENTY)
    assert e.value.field == "attended_hours"


def test_planned_hours_scale_with_the_share_a_partial_month_pays():
    weeks = D("4.3333")
    assert planned_hours(30, scheduled=D("500.00"), monthly=D("500.00"), weeks_per_month=weeks) == D("130.00")
    assert planned_hours(30, scheduled=D("250.00"), monthly=D("500.00"), weeks_per_month=weeks) == D("65.00")


def test_every_region_on_file_has_its_attendance_rule():
    regions = rulebook().regions
    assert {r: (v.attendance.full_share, v.attendance.below) for r, v in regions.items() if v.attendance} == {
        r: (D("0.70"), "proportional") for r in ("Lazio", "Lombardia", "Veneto", "Puglia")}
    assert rulebook().instalment_basis == "thirtieths"
    assert tomllib.loads((RULES / "instalments.toml").read_text())["partial_month_basis"] == "thirtieths"


@pytest.mark.parametrize("table", [{"full_allowance_share": "0", "below_share": "proportional"},
                                   {"full_allowance_share": "1.2", "below_share": "proportional"},
                                   {"full_allowance_share": "0.7", "below_share": "half"}])
def test_a_malformed_attendance_rule_or_basis_fails_at_load(table):
    with pytest.raises(ValueError):
        parse_attendance({"attendance": table}, where="test")
    with pytest.raises(ValueError):
        parse_basis("weeks")
