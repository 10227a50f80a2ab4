"""An unaccompanied minor (MSNA) is under 18 on the registration date: only the completed age counts."""

from datetime import date

import pytest
from pydantic import ValidationError

from intake.domain.enums import LegalStatus, LegalStatusRuleViolation, check_legal_status_age
from intake.service_layer import commands_common as schemas_common
from intake.service_layer.commands import BeneficiaryIn
from tests.unit.intake.test_intake_schemas_registration import MINIMAL

pytestmark = pytest.mark.unit

TODAY = date(2026, 1, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(schemas_common, "today_in_italy", lambda: TODAY)


def minor(birth_date: str) -> dict:
    return MINIMAL | {"legal_status": "unaccompanied_minor", "birth_date": birth_date,
                      "consent": MINIMAL["consent"] | {"date": "2025-12-01"}}


@pytest.mark.parametrize("birth_date", ["2008-01-02", "2008-12-31", "2015-01-01"])
def test_a_minor_under_18_on_the_registration_date_is_accepted(birth_date):
    assert BeneficiaryIn.model_validate(minor(birth_date)).legal_status == "unaccompanied_minor"


@pytest.mark.parametrize("birth_date", ["2008-01-01", "2007-06-30", "1990-01-01"])
def test_a_person_18_or_older_is_refused_naming_legal_status_and_birth_date(birth_date):
    with pytest.raises(ValidationError) as caught:
        BeneficiaryIn.model_validate(minor(birth_date))
    (error,) = caught.value.errors()
    assert (error["loc"], error["type"]) == (("legal_status",), "unaccompanied_minor_of_age")
    assert "birth_date" in error["msg"] and "under 18" in error["msg"] and birth_date in error["msg"]


def test_adults_and_minors_of_other_statuses_are_not_concerned():
    assert BeneficiaryIn.model_validate(minor("1990-01-01") | {"legal_status": "asylum_seeker"})
    assert BeneficiaryIn.model_validate(minor("2012-05-05") | {"legal_status": "refugee"})


def test_a_correction_judges_the_age_on_the_day_the_person_was_registered():
    # Registered at 17, now 18: re-validating the registration must still accept it.
    assert BeneficiaryIn.model_validate(minor("2008-01-01"), context={"registered_on": date(2025, 12, 31)})
    with pytest.raises(ValidationError):
        BeneficiaryIn.model_validate(minor("2007-12-31"), context={"registered_on": date(2025, 12, 31)})


def test_one_january_births_turn_18_on_new_years_day():
    born = date(2008, 1, 1)
    check_legal_status_age(LegalStatus.unaccompanied_minor, born, date(2025, 12, 31))
    with pytest.raises(LegalStatusRuleViolation, match="the person is 18 on 2026-01-01"):
        check_legal_status_age(LegalStatus.unaccompanied_minor, born, date(2026, 1, 1))
