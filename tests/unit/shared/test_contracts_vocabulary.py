"""The path's events hold their codes to closed vocabularies: a value outside them is refused when the
event is built and when it is read. The vocabularies are v1's as published: intake has emitted
exactly these values since the events existed, so a change to them needs a new contract version."""

import json
from datetime import date
from typing import get_args
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.events.codec import PoisonEvent, decode, encode, envelope_for
from shared.events.contracts import (
    CourseCompleted,
    CourseEnrolled,
    InterventionRecorded,
    NeedKeywords,
    PathStatusChanged,
    vocabulary,
)

pytestmark = pytest.mark.unit

DAY = date(2026, 3, 1)


def status_changed(**change) -> dict:
    return {"from_status": "in_progress", "to_status": "autonomy_reached", "reason_category": "employment",
            "changed_on": DAY} | change


def course(**change) -> dict:
    return {"course_id": uuid4(), "kind": "italian_course", "project_id": "FAMI-1", "completed_on": DAY,
            "hours": "80", "level_before": "A1", "level_reached": "B1", "levels_gained": 2} | change


def intervention(**change) -> dict:
    return {"intervention_id": uuid4(), "kind": "job_orientation", "date": DAY, "duration_minutes": 60,
            "project_id": "FAMI-1"} | change


def test_the_published_vocabularies_are_unchanged():
    assert [s.value for s in vocabulary.PathStatus] == [
        "taken_in_charge", "plan_agreed", "in_progress", "autonomy_reached", "interrupted", "transferred"]
    assert [r.value for r in vocabulary.ReasonCategory] == [
        "plan_agreed", "plan_started", "resumed", "employment", "autonomous_housing", "left_reception", "moved_away",
        "transferred_to_other_service", "stopped_attending", "project_ended", "personal_circumstances", "other"]
    assert [k.value for k in vocabulary.InterventionKind] == [
        "socio_legal", "job_orientation", "counselling", "intercultural_mediation", "italian_course",
        "italian_for_work_course", "it_course", "vocational_training", "skills_certification",
        "qualification_recognition", "cv_writing", "childcare", "mobility_support", "housing_search",
        "school_support", "social_cohesion_event", "other"]
    assert sorted(get_args(vocabulary.CourseKind)) == ["it_course", "italian_course", "italian_for_work_course",
                                            "vocational_training"]
    assert [c.value for c in vocabulary.CefrLevel] == ["A0", "A1", "A2", "B1", "B2", "C1", "C2"]
    needs = {"work": vocabulary.WorkNeed, "housing": vocabulary.HousingNeed, "social": vocabulary.SocialNeed}
    assert {area: len(get_args(words)) for area, words in needs.items()} == {"work": 15, "housing": 9, "social": 10}
    assert all("other" in get_args(words) for words in needs.values())


@pytest.mark.parametrize(("contract", "fields"), [
    (PathStatusChanged, status_changed(from_status="closed")),
    (PathStatusChanged, status_changed(to_status="Autonomy reached")),
    (PathStatusChanged, status_changed(reason_category="ricoverata in ospedale")),
    (InterventionRecorded, intervention(kind="gardening")),
    (CourseEnrolled, {**course(kind="counselling", enrolled_on=DAY, start_date=DAY, end_date=DAY)}),
    (CourseCompleted, course(kind="counselling")),
    (CourseCompleted, course(level_reached="B3")),
    (CourseCompleted, course(level_before="fluent")),
])
def test_a_value_outside_the_vocabulary_is_refused_when_the_event_is_built(contract, fields):
    with pytest.raises(ValidationError):
        contract(**fields)


@pytest.mark.parametrize("needs", [{"work": ["cerca lavoro al bar di Mario"]}, {"housing": ["job_search"]},
                                   {"social": ["health"]}])
def test_needs_are_keywords_of_their_own_areas_vocabulary(needs):
    with pytest.raises(ValidationError):
        NeedKeywords(**needs)
    NeedKeywords(work=["job_search", "other"], housing=["rent_advance"], social=["italian_course"])


def test_a_record_with_a_value_outside_the_vocabulary_is_refused_when_read():
    raw = json.loads(encode(envelope_for(PathStatusChanged(**status_changed()), beneficiary_id=uuid4(),
                                         organisation_id="coop-a", producer="intake")))
    assert decode(json.dumps(raw).encode()).payload.to_status is vocabulary.PathStatus.autonomy_reached
    raw["payload"]["to_status"] = "closed"
    with pytest.raises(PoisonEvent, match="to_status"):
        decode(json.dumps(raw).encode())


def test_the_codes_travel_as_the_same_plain_strings():
    payload = CourseCompleted(**course()).model_dump(mode="json")
    assert (payload["kind"], payload["level_before"], payload["level_reached"]) == ("italian_course", "A1", "B1")
    assert PathStatusChanged(**status_changed()).model_dump(mode="json")["reason_category"] == "employment"
