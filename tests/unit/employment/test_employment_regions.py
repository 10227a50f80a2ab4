"""Every region rule on file, at its edges, through the same validation production calls."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.adapters.rulebook import rulebook
from employment.domain.levels import OpeningKind, Payer, TraineeTarget
from employment.domain.openings import Company, Opening, Requirements, TraineeshipTerms, validate_opening
from employment.domain.regions import parse_region_rules
from shared.errors import RuleViolation, Violations

pytestmark = pytest.mark.unit
BOOK = rulebook()
# A municipality in each region (ISTAT codes): Roma, Milano, Venezia, Bari; Torino has no rules on file.
SITE = {"Lazio": "058091", "Lombardia": "015146", "Veneto": "027042", "Puglia": "072006"}
START = date(2027, 2, 1)


def traineeship(region: str = "Lazio", *, allowance: str = "800", end: date = date(2027, 5, 31),
                hours: int = 36, meals: bool = False, target: TraineeTarget = TraineeTarget.standard,
                start: date = START, agreement: date = date(2027, 1, 15), site: str | None = None) -> Opening:
    return Opening(
        opening_id=uuid4(), organisation_id="coop-a", kind=OpeningKind.traineeship, title="kitchen assistant",
        municipality=site or SITE[region], sector="I", start_date=start, end_date=end, seats=1, weekly_hours=hours,
        requirements=Requirements(italian_level="A2"), project_id="FAMI-1",
        terms=TraineeshipTerms(
            promoter=Company("Coop Promotrice", "P"), host=Company("Trattoria", "I", "56.10"),
            agreement_ref="CONV-2027-01", agreement_signed_on=agreement, promoter_tutor="Tutor A",
            host_tutor="Tutor B", monthly_allowance=Decimal(allowance), payer=Payer.project,
            project_share_eur=None, fund_id=uuid4(), meals=meals, target=target,
        ),
    )


def rules_broken(o: Opening) -> set[tuple[str, str]]:
    try:
        validate_opening(o, gazetteer=BOOK.gazetteer, regions=BOOK.regions)
    except Violations as e:
        return {(v.field, v.rule) for v in e.violations}
    return set()


def test_the_four_regions_of_the_domain_notes_are_on_file():
    assert set(BOOK.regions) == {"Lazio", "Lombardia", "Veneto", "Puglia"}


@pytest.mark.parametrize(("region", "minimum"), [("Lazio", "800"), ("Lombardia", "500"), ("Veneto", "450"),
                                                 ("Puglia", "600")])
def test_each_region_minimum_holds_to_the_cent(region, minimum):
    at = Decimal(minimum)
    assert rules_broken(traineeship(region, allowance=str(at))) == set()
    assert rules_broken(traineeship(region, allowance=str(at - Decimal("0.01")))) == {
        ("monthly_allowance_eur", "below_regional_minimum")}


def test_the_stored_traineeship_learns_its_region():
    stored = validate_opening(traineeship("Veneto", allowance="450"), gazetteer=BOOK.gazetteer, regions=BOOK.regions)
    assert stored.terms.region == "Veneto"


@pytest.mark.parametrize(("region", "meals", "hours", "minimum"), [
    ("Lombardia", True, 36, "400"), ("Lombardia", False, 20, "350"), ("Lombardia", True, 20, "350"),
    ("Lombardia", False, 21, "500"), ("Veneto", True, 36, "350"), ("Veneto", False, 20, "450"),
    ("Lazio", True, 20, "800"), ("Puglia", True, 20, "600"),
])
def test_reduced_minimums_apply_only_when_their_conditions_hold(region, meals, hours, minimum):
    at = Decimal(minimum)
    assert rules_broken(traineeship(region, allowance=str(at), meals=meals, hours=hours)) == set()
    assert ("monthly_allowance_eur", "below_regional_minimum") in rules_broken(
        traineeship(region, allowance=str(at - 1), meals=meals, hours=hours))


def test_puglia_raises_the_minimum_from_six_months():
    six = date(2027, 7, 31)  # 1 Feb to 31 Jul: six whole months
    assert rules_broken(traineeship("Puglia", allowance="699.99", end=six)) == {
        ("monthly_allowance_eur", "below_regional_minimum")}
    assert rules_broken(traineeship("Puglia", allowance="700", end=six)) == set()
    assert rules_broken(traineeship("Puglia", allowance="600", end=date(2027, 7, 30))) == set()


@pytest.mark.parametrize(("region", "allowance"), [("Lazio", "800"), ("Lombardia", "500"), ("Veneto", "450"),
                                                   ("Puglia", "700")])
def test_shortest_duration_is_two_months_everywhere_on_file(region, allowance):
    assert rules_broken(traineeship(region, allowance=allowance, end=date(2027, 3, 31))) == set()
    assert rules_broken(traineeship(region, allowance=allowance, end=date(2027, 3, 30))) == {
        ("end_date", "shorter_than_regional_minimum")}


@pytest.mark.parametrize(("region", "standard", "disadvantaged", "disabled"), [
    ("Lazio", 6, 12, 24), ("Lombardia", 12, 12, 24), ("Veneto", 12, 12, 24), ("Puglia", 12, 12, 24),
])
def test_longest_duration_by_target(region, standard, disadvantaged, disabled):
    from datetime import timedelta

    from employment.domain.calendar import add_months

    for target, months in [(TraineeTarget.standard, standard), (TraineeTarget.disadvantaged, disadvantaged),
                           (TraineeTarget.disabled, disabled)]:
        last = add_months(START, months) - timedelta(days=1)
        assert rules_broken(traineeship(region, allowance="800", end=last, target=target)) == set()
        assert rules_broken(traineeship(region, allowance="800", end=last + timedelta(days=1), target=target)) == {
            ("end_date", "longer_than_regional_maximum")}


def test_a_region_without_rules_is_refused_by_name():
    with pytest.raises(Violations) as e:
        validate_opening(traineeship(site="001272"), gazetteer=BOOK.gazetteer, regions=BOOK.regions)  # Torino
    (v,) = e.value.violations
    assert (v.field, v.rule) == ("work_site", "region_without_rules") and "Piemonte" in v.message


def test_a_start_before_the_agreement_is_refused():
    assert rules_broken(traineeship(start=date(2027, 1, 14), agreement=date(2027, 1, 15), end=date(2027, 4, 13))) == {
        ("start_date", "start_before_agreement")}


def test_an_unknown_municipality_is_refused():
    assert ("municipality", "unknown_municipality") in rules_broken(traineeship(site="999999"))


def test_every_problem_is_reported_at_once():
    broken = rules_broken(traineeship(allowance="100", end=date(2027, 2, 10), start=date(2027, 1, 1)))
    assert broken == {("monthly_allowance_eur", "below_regional_minimum"),
                      ("end_date", "shorter_than_regional_minimum"), ("start_date", "start_before_agreement")}


def test_a_rules_file_with_durations_out_of_order_fails_at_load():
    with pytest.raises(ValueError, match="durations"):
        parse_region_rules({"regions": {"X": {"minimum_allowance_eur": "300", "min_months": 6, "max_months": 2,
                                              "max_months_disadvantaged": 12, "max_months_disabled": 24}}})


def test_a_region_rule_violation_names_field_and_rule():
    from employment.domain.regions import rule_for

    with pytest.raises(RuleViolation) as e:
        rule_for(BOOK.regions, "Sicilia")
    assert e.value.field == "work_site" and "Sicilia" in e.value.message
