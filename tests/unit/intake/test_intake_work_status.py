"""The work status at intake: the labour-force categories, the women's-inactivity rule that follows from
it and the sex, and how a registration and a correction tell other services."""

from datetime import date

import pytest
from pydantic import ValidationError

from intake.domain import corrections
from intake.domain.enums import WorkStatus, women_inactive
from intake.domain.registration import registered_event
from intake.service_layer.commands import BeneficiaryCorrectionIn, BeneficiaryIn
from tests.unit.intake.test_intake_corrections import REGISTERED_ON, REGISTRATION

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("sex", "status", "expected"), [
    ("F", "inactive", True), ("M", "inactive", False), ("X", "inactive", False),
    ("F", "seeking_work", False), ("F", "employed", False), ("M", "employed", False),
    ("F", None, None), ("M", None, None),
])
def test_a_woman_recorded_inactive_is_the_only_inactive_woman_and_no_status_is_unknown(sex, status, expected):
    assert women_inactive(sex, status) is expected


def test_the_codes_are_the_three_labour_force_categories():
    assert [s.value for s in WorkStatus] == ["employed", "seeking_work", "inactive"]


def _event(sex: str, work_status: str | None):  # type: ignore[no-untyped-def]
    return registered_event(
        registered_on=REGISTERED_ON, birth_date=date(1990, 6, 15), sex=sex, legal_status="refugee", reception="sai",
        household_size=1, children=0, single_parent=False, italian_level="A1", languages=[], project_ids=["P"],
        work_status=work_status)


def test_the_registration_event_says_women_inactive_and_never_the_status_itself():
    assert _event("F", "inactive").women_inactive is True
    assert _event("M", "inactive").women_inactive is False
    assert _event("F", "seeking_work").women_inactive is False
    assert _event("F", None).women_inactive is None
    assert "work_status" not in _event("F", "inactive").model_dump()


def test_an_unknown_status_is_refused_by_registration_and_correction():
    with pytest.raises(ValidationError) as refused:
        BeneficiaryIn.model_validate(REGISTRATION | {"work_status": "unemployed"})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("work_status",), "enum")]
    with pytest.raises(ValidationError) as refused:
        BeneficiaryCorrectionIn.model_validate({"work_status": "retired", "reason": "r"})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("work_status",), "enum")]
    assert BeneficiaryIn.model_validate(REGISTRATION).work_status is None  # optional: not recorded


def _columns(**changes: object) -> dict:
    data = BeneficiaryIn.model_validate(REGISTRATION | changes).model_dump(mode="json")
    return corrections.columns(data, registered_on=REGISTERED_ON)


@pytest.mark.parametrize(("before", "after", "travels"), [
    ({"work_status": "seeking_work"}, {"work_status": "inactive"}, True),
    ({}, {"work_status": "inactive"}, True),
    ({"work_status": "inactive"}, {"work_status": "employed"}, False),
    ({"work_status": "inactive"}, {"work_status": None}, False),  # cleared: no longer counted inactive
    ({"work_status": "inactive"}, {"work_status": "inactive", "sex": "M"}, False),
])
def test_a_correction_that_changes_whether_she_is_inactive_carries_the_new_value(before, after, travels):
    row = _columns(**before)
    event = corrections.corrected_event(["work_status"], row, _columns(**(before | after)),
                                        corrected_on=REGISTERED_ON)
    assert event.changed_attributes()["women_inactive"] is travels
    assert row["work_status"] == before.get("work_status")


def test_a_correction_that_leaves_her_inactivity_as_it_was_does_not_carry_it():
    row = _columns(work_status="employed")
    event = corrections.corrected_event(["work_status"], row, _columns(work_status="seeking_work"),
                                        corrected_on=REGISTERED_ON)
    assert "women_inactive" not in event.changed_attributes()
    assert "women_inactive" not in corrections.COLUMNS and "work_status" in corrections.COLUMNS
