"""The pure rule of budget versions: which version is in force at a time, how a PUT numbers and
times a new one, what a version's lines may be, and spending set against no budget at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from reporting.domain.budgets import BudgetLine, BudgetVersion, budget_lines, in_force, next_version
from reporting.domain.money import spending
from reporting.domain.project_roles import project_roles
from shared.errors import RuleViolation, Violations
from tests.unit.reporting.support import CATALOGUE

pytestmark = pytest.mark.unit

T1, T2, T3 = (datetime(2025, m, 1, 10, tzinfo=UTC) for m in (2, 6, 11))
STAFF = ("social", "staff")


def version(n: int, at: datetime, *amounts: str) -> BudgetVersion:
    return BudgetVersion(n, at, tuple(BudgetLine("social", f"line{i}", Decimal(a)) for i, a in enumerate(amounts)))


def test_the_version_in_force_is_the_latest_recorded_at_or_before_the_time():
    v1, v2, v3 = version(1, T1, "10"), version(2, T2, "20"), version(3, T3, "30")
    versions = [v3, v1, v2]  # in any order
    assert in_force(versions, T1 - timedelta(microseconds=1)) is None  # before the first: no budget
    assert in_force(versions, T1) is v1
    assert in_force(versions, T2 - timedelta(days=1)) is v1
    assert in_force(versions, T2) is v2
    assert in_force(versions, T3 + timedelta(days=400)) is v3
    assert in_force([], T3) is None
    # two versions recorded at the same instant: the later number is the one in force
    same = version(4, T3, "40")
    assert in_force([v3, same], T3) is same


def test_a_new_version_is_numbered_after_the_latest_and_never_recorded_before_it():
    lines = (BudgetLine("work", "staff", Decimal("5.00")),)
    first = next_version(None, T2, lines)
    assert first == BudgetVersion(1, T2, lines)
    assert next_version(first, T3, ()) == BudgetVersion(2, T3, ())
    # the clock went back: the new version is recorded with the one it replaces, and wins as the later number
    back = next_version(first, T1, ())
    assert back == BudgetVersion(2, T2, ())
    assert in_force([first, back], T2) is back


def test_a_version_s_lines_are_checked_ordered_and_to_the_cent():
    lines = budget_lines([("work", "staff", Decimal("1200.5")), ("housing", "rent_advances", Decimal("300"))])
    assert lines == (BudgetLine("housing", "rent_advances", Decimal("300.00")),
                     BudgetLine("work", "staff", Decimal("1200.50")))
    assert [str(b.amount_eur) for b in lines] == ["300.00", "1200.50"]
    assert budget_lines([]) == ()  # a budget of no lines is a budget, recorded as a version
    with pytest.raises(RuleViolation) as twice:
        budget_lines([("work", "staff", Decimal("1")), ("work", "staff", Decimal("2"))])
    assert (twice.value.field, twice.value.rule) == ("budget.1", "duplicate_budget_line")
    with pytest.raises(RuleViolation) as negative:
        budget_lines([("work", "staff", Decimal("-1"))])
    assert (negative.value.field, negative.value.rule) == ("budget.0.amount_eur", "not_negative")
    with pytest.raises(Violations) as several:
        budget_lines([("work", "staff", Decimal("0.001")), ("work", "staff", Decimal("NaN"))])
    assert [(v.field, v.rule) for v in several.value.violations] == [
        ("budget.0.amount_eur", "whole_cents"), ("budget.1", "duplicate_budget_line"),
        ("budget.1.amount_eur", "finite_amount")]


def test_spending_without_a_budget_in_force_says_so_instead_of_zero():
    amounts = [("intake.intervention_recorded", "intercultural_mediation", None, Decimal("50.00"))]
    [line] = spending(CATALOGUE.cost_lines, amounts, None)
    assert (line["work_package"], line["budget_line"]) == STAFF
    assert (line["budget_eur"], line["spent_eur"], line["left_eur"]) == (None, "50.00", None)
    budget = BudgetVersion(1, T1, (BudgetLine("social", "staff", Decimal("80.00")),))
    [line] = spending(CATALOGUE.cost_lines, amounts, budget)
    assert (line["budget_eur"], line["spent_eur"], line["left_eur"]) == ("80.00", "50.00", "30.00")
    # an empty version is a budget of nothing: zero, and what is left is negative
    [line] = spending(CATALOGUE.cost_lines, amounts, BudgetVersion(2, T2, ()))
    assert (line["budget_eur"], line["left_eur"]) == ("0.00", "-50.00")


def test_a_project_names_each_organisation_once():
    """partners [lead, b, b] used to be stored as given: the lead's report listed coop-a, and coop-b, twice."""
    assert project_roles("P1", "fami", "coop-a", ["coop-b", "coop-c"]).organisations == ("coop-a", "coop-b", "coop-c")
    with pytest.raises(Violations) as refused:
        project_roles("P1", "fami", "coop-a", ["coop-a", "coop-b", "coop-b"])
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("partners.0", "lead_among_partners"), ("partners.2", "duplicate_partner")]
    with pytest.raises(RuleViolation) as one:
        project_roles("P1", "fami", "coop-a", ["coop-b", "coop-b"])
    assert (one.value.field, one.value.rule) == ("partners.1", "duplicate_partner")
