"""Recognitions of qualifications, certifications, funds and their instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.adapters.rulebook import rulebook
from employment.domain.calendar import add_months, lasts_at_least, lasts_at_most, whole_months
from employment.domain.funds import Fund, check_commitment, check_payment, euros
from employment.domain.titles import (
    Certification,
    CertificationOutcome,
    RecognitionState,
    check_certification,
    move_recognition,
    request_recognition,
)
from shared.errors import Conflict, RuleViolation

pytestmark = pytest.mark.unit
TODAY = date(2027, 3, 1)


def recognition(on: date = date(2027, 1, 10)):
    return request_recognition(recognition_id=uuid4(), beneficiary_id=uuid4(), organisation_id="coop-a",
                               qualification="diploma", country="NG", sector="Q", requested_on=on, today=TODAY,
                               countries=rulebook().countries)


def test_a_recognition_goes_through_its_states_with_dates():
    r = move_recognition(recognition(), RecognitionState.in_progress, on=date(2027, 1, 20), today=TODAY)
    r = move_recognition(r, RecognitionState.recognised, on=date(2027, 2, 20), today=TODAY)
    assert [s for s, _ in r.history] == ["requested", "in_progress", "recognised"]
    assert r.last_on == date(2027, 2, 20)


@pytest.mark.parametrize("final", [RecognitionState.recognised, RecognitionState.refused])
def test_a_recognition_may_be_decided_without_an_in_progress_step(final):
    assert move_recognition(recognition(), final, on=date(2027, 1, 11), today=TODAY).state is final


@pytest.mark.parametrize("decided", [RecognitionState.recognised, RecognitionState.refused])
def test_a_decided_recognition_moves_no_more(decided):
    r = move_recognition(recognition(), decided, on=date(2027, 1, 11), today=TODAY)
    for to in RecognitionState:
        with pytest.raises(Conflict) as e:
            move_recognition(r, to, on=date(2027, 1, 12), today=TODAY)
        assert e.value.extra["allowed"] == []


def test_recognition_dates_run_forward_and_not_past_today():
    with pytest.raises(RuleViolation):
        move_recognition(recognition(), RecognitionState.in_progress, on=date(2027, 1, 9), today=TODAY)
    with pytest.raises(RuleViolation):
        move_recognition(recognition(), RecognitionState.in_progress, on=date(2027, 3, 2), today=TODAY)
    with pytest.raises(RuleViolation) as e:
        recognition(on=date(2027, 3, 2))
    assert e.value.field == "requested_on"


def test_a_recognition_names_an_iso_country():
    with pytest.raises(RuleViolation) as e:
        request_recognition(recognition_id=uuid4(), beneficiary_id=uuid4(), organisation_id="o", qualification="x",
                            country="Nigeria", sector=None, requested_on=TODAY, today=TODAY, countries={"NG"})
    assert (e.value.field, e.value.rule) == ("country", "iso_country")


@pytest.mark.parametrize("code, known", [("NG", True), ("AF", True), ("XK", True), ("HK", True), ("IT", True),
                                         ("XX", False), ("ZZ", False), ("UK", False)])
def test_a_recognition_names_a_country_on_file(code: str, known: bool):
    """The shipped ISO list (shared/data/iso_countries.csv): every ISO code and Kosovo; "UK" is not ISO (GB is)."""
    def ask():
        return request_recognition(recognition_id=uuid4(), beneficiary_id=uuid4(), organisation_id="o",
                                   qualification="x", country=code, sector=None, requested_on=TODAY, today=TODAY,
                                   countries=rulebook().countries)
    if known:
        assert ask().country == code
    else:
        with pytest.raises(RuleViolation) as e:
            ask()
        assert (e.value.field, e.value.rule) == ("country", "unknown_country")


def test_certification_checks():
    ok = Certification(uuid4(), uuid4(), "o", "I", 3, CertificationOutcome.certified, TODAY)
    assert check_certification(ok, today=TODAY) == ok
    for field, bad in [("sector", {"sector": "Z"}), ("eqf_level", {"eqf_level": 9}),
                       ("certified_on", {"certified_on": date(2027, 3, 2)})]:
        from dataclasses import replace

        with pytest.raises(RuleViolation) as e:
            check_certification(replace(ok, **bad), today=TODAY)
        assert e.value.field == field


def test_month_arithmetic():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)
    assert lasts_at_least(date(2027, 1, 1), date(2027, 2, 28), 2)
    assert not lasts_at_least(date(2027, 1, 1), date(2027, 2, 27), 2)
    assert lasts_at_most(date(2027, 1, 1), date(2027, 6, 30), 6)
    assert not lasts_at_most(date(2027, 1, 1), date(2027, 7, 1), 6)
    assert whole_months(date(2027, 1, 15), date(2027, 7, 14)) == 6
    assert whole_months(date(2027, 1, 15), date(2027, 7, 15)) == 7


def test_euros_are_exact_to_the_cent():
    assert euros(Decimal("12.5"), field="x") == Decimal("12.50")
    for bad in ["0.001", "-1", "10000000000"]:
        with pytest.raises(RuleViolation) as e:
            euros(Decimal(bad), field="amount_eur")
        assert e.value.field == "amount_eur"


def test_a_fund_is_neither_committed_nor_paid_past_its_budget():
    fund = Fund(uuid4(), "coop-a", "FAMI-1", "bursaries", budget=Decimal("1000.00"),
                committed=Decimal("600.00"), paid=Decimal("200.00"))
    check_commitment(fund, Decimal("400.00"))
    with pytest.raises(Conflict) as e:
        check_commitment(fund, Decimal("400.01"))
    assert e.value.rule == "fund_exhausted" and e.value.extra["uncommitted_eur"] == "400.00"
    check_payment(fund, Decimal("800.00"))
    with pytest.raises(Conflict):
        check_payment(fund, Decimal("800.01"))


