from datetime import date
from typing import get_args
from uuid import uuid4

import pytest
from pydantic import ValidationError

from intake.domain import corrections
from intake.domain.registration import split_personal
from intake.service_layer.commands import BeneficiaryCorrectionIn, BeneficiaryIn
from shared.events.codec import envelope_for
from shared.events.contracts import BeneficiaryCorrected, CorrectableField

pytestmark = pytest.mark.unit

REGISTRATION = {
    "first_name": "Amina", "last_name": "Warsame", "sex": "F", "birth_date": "1990-06-15", "birth_country": "SO",
    "citizenship": "SO", "legal_status": "refugee", "reception": {"kind": "cas", "centre": "Casa Aurora",
                                                                    "must_leave_by": "2030-01-31"},
    "household": {"size": 3, "children": [{"age": 4}, {"age": 9}], "single_parent": True},
    "italian_level": "A1", "languages": ["so"], "consent": {"given": True, "date": "2024-01-10",
                                                            "scope": ["processing"]},
    "project_ids": ["FAMI-1"], "vulnerabilities": ["pregnant"],
}
REGISTERED_ON = date(2024, 1, 10)


def stored() -> tuple[dict, dict]:
    """(opened personal blob, row) as intake keeps the registration above."""
    data = BeneficiaryIn.model_validate(REGISTRATION).model_dump(mode="json")
    personal, _ = split_personal(data)
    row = corrections.columns(data, registered_on=REGISTERED_ON) | {
        "consent_date": date(2024, 1, 10), "consent_scope": ["processing"], "project_ids": ["FAMI-1"]}
    return personal, row


def test_the_correction_body_offers_exactly_the_fields_the_event_may_name():
    assert set(BeneficiaryCorrectionIn.model_fields) - {"reason"} == set(get_args(CorrectableField))
    assert set(corrections.CORRECTABLE_FIELDS) <= set(BeneficiaryIn.model_fields)


def test_a_correction_body_keeps_explicit_nulls_and_needs_a_field_and_a_reason():
    body = BeneficiaryCorrectionIn.model_validate({"fiscal_code": None, "first_name": " Amina ", "reason": "r"})
    assert body.changes() == {"fiscal_code": None, "first_name": "Amina"}
    with pytest.raises(ValidationError, match="correction_empty|at least one field"):
        BeneficiaryCorrectionIn.model_validate({"reason": "r"})
    with pytest.raises(ValidationError, match="reason"):
        BeneficiaryCorrectionIn.model_validate({"first_name": "Amina"})


def test_the_stored_registration_rebuilds_to_a_valid_one_that_keeps_the_same():
    personal, row = stored()
    rebuilt = corrections.as_entered(personal, row)
    validated = BeneficiaryIn.model_validate(rebuilt).model_dump(mode="json")
    original = BeneficiaryIn.model_validate(REGISTRATION).model_dump(mode="json")
    assert corrections.kept(validated) == corrections.kept(original)
    assert rebuilt["reception"] == {"kind": "cas", "centre": "Casa Aurora", "must_leave_by": "2030-01-31"}
    assert rebuilt["household"] == {"size": 3, "children": [{"age": 4}, {"age": 9}], "single_parent": True}


def test_the_childrens_ages_are_sealed_not_columns_and_a_legacy_blob_stands_in_with_zeros():
    personal, row = stored()
    assert personal["children_ages"] == [4, 9] and row["children"] == 2
    assert "children_ages" not in row
    legacy = {k: v for k, v in personal.items() if k != "children_ages"}
    assert corrections.as_entered(legacy, row)["household"]["children"] == [{"age": 0}, {"age": 0}]


def test_changed_fields_compare_what_is_kept():
    before = corrections.kept(REGISTRATION)
    other_ages = REGISTRATION | {"household": {"size": 3, "children": [{"age": 1}, {"age": 2}],
                                                "single_parent": True}}
    assert corrections.changed_fields(before, corrections.kept(other_ages), corrections.CORRECTABLE_FIELDS) == [
        "household"]
    same = REGISTRATION | {"household": {"children": [{"age": 4}, {"age": 9}], "single_parent": True, "size": 3}}
    assert corrections.changed_fields(before, corrections.kept(same), corrections.CORRECTABLE_FIELDS) == []
    moved = REGISTRATION | {"last_name": "Warsane", "languages": ["so", "it"]}
    assert corrections.changed_fields(before, corrections.kept(moved), corrections.CORRECTABLE_FIELDS) == [
        "last_name", "languages"]


def test_columns_take_the_age_band_at_registration():
    columns = corrections.columns(REGISTRATION | {"birth_date": "1979-01-10"}, registered_on=REGISTERED_ON)
    assert columns["age_band"] == "45_54"  # 45 on the day of registration, 10 January 2024
    a_day_younger = corrections.columns(REGISTRATION | {"birth_date": "1979-01-11"}, registered_on=REGISTERED_ON)
    assert a_day_younger["age_band"] == "35_44"
    assert columns["must_leave_by"] == date(2030, 1, 31) and columns["permit_expiry"] is None
    assert (columns["household_size"], columns["children"], columns["single_parent"]) == (3, 2, True)
    assert corrections.born_after(REGISTRATION | {"birth_date": "2024-02-01"}, REGISTERED_ON)


def test_the_event_names_fields_and_carries_only_changed_coarse_values():
    _, before = stored()
    after = before | {"age_band": "55_64", "children": 1, "vulnerabilities": ["other"], "must_leave_by": None}
    event = corrections.corrected_event(["birth_date", "household"], before, after, corrected_on=REGISTERED_ON)
    payload = envelope_for(event, beneficiary_id=uuid4(), organisation_id="o",
                           producer="intake").payload
    assert payload == {"corrected_on": "2024-01-10", "corrected_fields": ["birth_date", "household"],
                       "age_band": "55_64", "children": 1}
    assert BeneficiaryCorrected.model_validate(payload).changed_attributes() == {"age_band": "55_64", "children": 1}


def test_the_event_refuses_anything_but_field_names():
    with pytest.raises(ValidationError):
        BeneficiaryCorrected(corrected_on=REGISTERED_ON, corrected_fields=["Amina Warsame"])
    with pytest.raises(ValidationError):
        BeneficiaryCorrected(corrected_on=REGISTERED_ON, corrected_fields=[])
