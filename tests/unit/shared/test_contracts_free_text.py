"""No event carries words an operator typed: v1 assessments' skill names are upcast away, and every
text field of every contract is a controlled value (a code, an enumeration, an id, a decimal)."""

import enum
import json
import typing
from datetime import date
from uuid import uuid4

import pytest
from pydantic import BaseModel

from shared.events.codec import decode, encode, envelope_for
from shared.events.contracts import AssessmentRecorded, NeedKeywords, SkillsAtLevel, skills_per_level
from shared.events.registry import known_types

pytestmark = pytest.mark.unit

V1_PAYLOAD = {
    "assessment_id": str(uuid4()), "assessed_on": "2026-01-10",
    "skills": [{"name": "cameriere da ristorante mario rossi", "level": 3}, {"name": "saldatura", "level": 3},
               {"name": "pulizie", "level": 1}],
    "work_experience": [{"sector": "I", "years": 2}],
    "needs": {"work": ["job_search"], "housing": [], "social": []},
    "vulnerability_count": 2,
}


def v1_record(payload: dict) -> bytes:
    current = envelope_for(AssessmentRecorded(assessment_id=uuid4(), assessed_on=date(2026, 1, 10),
                                              needs=NeedKeywords()),
                           beneficiary_id=uuid4(), organisation_id="coop-a", producer="intake")
    raw = json.loads(encode(current))
    raw.update(schema_version=1, payload=payload)
    return json.dumps(raw).encode()


def test_a_stored_v1_assessment_reads_as_v2_with_levels_counted_and_names_gone():
    event = decode(v1_record(V1_PAYLOAD))
    assert isinstance(event.payload, AssessmentRecorded) and AssessmentRecorded.version == 2
    assert event.payload.skills_per_level == [SkillsAtLevel(level=1, count=1), SkillsAtLevel(level=3, count=2)]
    assert event.payload.vulnerability_count == 2 and event.payload.work_experience[0].sector == "I"
    dumped = event.payload.model_dump_json()
    assert "mario rossi" not in dumped and "saldatura" not in dumped and '"skills"' not in dumped


def test_a_v1_assessment_without_skills_reads_as_none_counted():
    event = decode(v1_record({k: v for k, v in V1_PAYLOAD.items() if k != "skills"}))
    assert event.payload.skills_per_level == []


def test_skills_are_counted_per_level_lowest_first():
    assert skills_per_level([4, 2, 4, 5]) == [SkillsAtLevel(level=2, count=1), SkillsAtLevel(level=4, count=2),
                                              SkillsAtLevel(level=5, count=1)]
    assert skills_per_level([]) == []


# Every text a contract carries, and why it is not free text. A new text field fails this test until
# it is judged here: an operator's words (a reason, a note, a title, a name) never travel.
# Closed vocabularies the contract itself enforces (an Enum or a Literal): a value outside them is
# refused when the event is built and when it is read, whoever produced it.
CLOSED_VOCABULARY = {
    "age_band", "level_before", "level_reached", "from_status", "to_status", "reason_category", "kind", "area",
    "outcome", "corrected_fields", "needs.work", "needs.housing", "needs.social",
    "place_kind", "opening_kind", "from_stage", "to_stage", "contract_type", "source", "status", "result",
    "given_by", "cause", "actor",
}
# Codes whose shape the contract enforces with a pattern.
PATTERNED = {
    "sex", "sector", "citizenship", "province", "month", "level",
    # ISTAT municipality codes
    "municipality", "workplace_municipality",
    # codes from a list kept as data by the producing service (reasons, purposes, legal bases)
    "reason", "decline_reason", "purpose", "legal_basis",
    # decimals as text
    "hours", "cost_eur", "amount_eur", "monthly_income_eur",
}
# Codes intake validates before the event is made; the contract takes any text.
CHECKED_BY_INTAKE = {
    "legal_status", "reception", "italian_level", "languages",
    # a province code (e.g. RM), unlike a plan's area; intake does not send it yet
    "intake.beneficiary_registered:area", "intake.beneficiary_corrected:area", "accepted_areas",
    # the version label of the privacy notice shown, from intake's list of notices
    "notice_version",
    # an admin's project code: organisational data, not about a person
    "project_id", "project_ids",
}
# The names of the matching engine's score parts (keys), from the producing service's configuration.
CHECKED_BY_PRODUCER = {"score_parts"}
CONTROLLED_TEXT = CLOSED_VOCABULARY | PATTERNED | CHECKED_BY_INTAKE | CHECKED_BY_PRODUCER


def _judged_as(group: set[str], event_type: str, field: str) -> bool:
    """The field is in the group by its own event's name for it, else by its path or its last part."""
    qualified = f"{event_type}:{field}"
    if any(qualified in other for other in (CLOSED_VOCABULARY, PATTERNED, CHECKED_BY_INTAKE, CHECKED_BY_PRODUCER)):
        return qualified in group
    return field in group or field.rsplit(".", 1)[-1] in group


def _text_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for name, field in model.model_fields.items():
        for kind in _leaf_types(field.annotation):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found |= _text_fields(kind, f"{prefix}{name}.")
            elif isinstance(kind, type) and issubclass(kind, str):
                found.add(f"{prefix}{name}")
    return found


def _leaf_types(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return [str]
    if not args:
        return [annotation]
    return [leaf for arg in args for leaf in _leaf_types(arg)]


@pytest.mark.parametrize("event_type", sorted(known_types()))
def test_every_text_field_of_every_contract_is_a_controlled_value(event_type):
    fields = _text_fields(known_types()[event_type])
    judged = {f for f in fields if _judged_as(CONTROLLED_TEXT, event_type, f)}
    assert fields == judged, f"{event_type}: text fields not judged controlled: {sorted(fields - judged)}"


def test_the_assessment_contract_has_no_field_for_a_skill_name():
    assert _text_fields(AssessmentRecorded) <= {"work_experience.sector", "needs.work", "needs.housing",
                                                "needs.social"}


def _field(model: type[BaseModel], dotted: str):
    head, _, rest = dotted.partition(".")
    field = model.model_fields[head]
    if not rest:
        return field
    nested = next(k for k in _leaf_types(field.annotation) if isinstance(k, type) and issubclass(k, BaseModel))
    return _field(nested, rest)


def _closed(annotation: object) -> bool:
    """Every value the annotation admits, None aside, comes from an Enum or a Literal."""
    if typing.get_origin(annotation) is typing.Literal:
        return True
    if isinstance(annotation, type):
        return annotation is type(None) or issubclass(annotation, enum.Enum)
    args = typing.get_args(annotation)
    return bool(args) and all(_closed(arg) for arg in args)


@pytest.mark.parametrize("event_type", sorted(known_types()))
def test_vocabulary_fields_are_closed_in_the_contract_and_codes_carry_their_pattern(event_type):
    model = known_types()[event_type]
    fields = _text_fields(model)
    open_vocabulary = sorted(f for f in fields if _judged_as(CLOSED_VOCABULARY, event_type, f)
                             and not _closed(_field(model, f).annotation))
    assert not open_vocabulary, f"{event_type}: vocabulary fields taking any text: {open_vocabulary}"
    unpatterned = sorted(f for f in fields if _judged_as(PATTERNED, event_type, f)
                         and not any(getattr(m, "pattern", None) for m in _field(model, f).metadata))
    assert not unpatterned, f"{event_type}: code fields without a pattern: {unpatterned}"
