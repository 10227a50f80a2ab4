from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from intake.domain.path import PathStatus
from intake.service_layer import commands_common as schemas_common
from intake.service_layer.commands import (
    AssessmentIn,
    GoalOutcome,
    GoalOutcomeIn,
    GoalsIn,
    InterventionIn,
    PathTransitionIn,
    PlanIn,
)

pytestmark = pytest.mark.unit

TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(schemas_common, "today_in_italy", lambda: TODAY)


def only_error(model, payload) -> dict:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(payload)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


# --- assessment -----------------------------------------------------------------------------

ASSESSMENT = {
    "skills": [{"name": "Cooking", "level": 4}, {"name": "Welding", "level": 1}],
    "work_experience": [{"sector": "I", "years": 3.5}, {"sector": "A", "years": 0}],
    "needs": {"work": ["traineeship"], "housing": ["autonomous lease"], "social": []},
    "vulnerabilities": ["health_condition", "health_condition"],
}


def test_valid_assessment():
    assessment = AssessmentIn.model_validate(ASSESSMENT)
    assert [s.level for s in assessment.skills] == [4, 1]
    assert assessment.vulnerabilities == ["health_condition"]
    assert assessment.needs.social == []


@pytest.mark.parametrize(("level", "kind"), [(0, "greater_than_equal"), (6, "less_than_equal")])
def test_skill_level_1_to_5(level, kind):
    error = only_error(AssessmentIn, ASSESSMENT | {"skills": [{"name": "Cooking", "level": level}]})
    assert (error["loc"], error["type"]) == (("skills", 0, "level"), kind)


def test_skill_listed_twice_is_refused():
    skills = [{"name": "Cooking", "level": 4}, {"name": "cooking", "level": 2}]
    error = only_error(AssessmentIn, ASSESSMENT | {"skills": skills})
    assert error["loc"] == ("skills",)
    assert error["msg"] == "skill 'cooking' is listed more than once"


@pytest.mark.parametrize("sector", ["V", "Z", "a", "AB", "", "1"])
def test_work_sector_is_an_ateco_section(sector):
    error = only_error(AssessmentIn, ASSESSMENT | {"work_experience": [{"sector": sector, "years": 1}]})
    assert error["loc"] == ("work_experience", 0, "sector")
    assert error["msg"] == f"'{sector}' is not an ATECO section: one upper-case letter from A to U"


@pytest.mark.parametrize("sector", ["A", "C", "U"])
def test_ateco_section_edges(sector):
    payload = ASSESSMENT | {"work_experience": [{"sector": sector, "years": 1}]}
    assert AssessmentIn.model_validate(payload).work_experience[0].sector == sector


def test_years_of_experience_not_negative():
    error = only_error(AssessmentIn, ASSESSMENT | {"work_experience": [{"sector": "C", "years": -0.5}]})
    assert (error["loc"], error["type"]) == (("work_experience", 0, "years"), "greater_than_equal")


def test_needs_areas_are_work_housing_social_only():
    error = only_error(AssessmentIn, ASSESSMENT | {"needs": {"health": ["doctor"]}})
    assert (error["loc"], error["type"]) == (("needs", "health"), "extra_forbidden")


def test_needs_are_required():
    payload = {k: v for k, v in ASSESSMENT.items() if k != "needs"}
    assert only_error(AssessmentIn, payload)["loc"] == ("needs",)


# --- plan -----------------------------------------------------------------------------------


def goal(**changes) -> dict:
    return {
        "area": "housing",
        "title": "Sign an autonomous lease",
        "deadline": "2025-09-30",
        "responsible_operator": "op-3",
        "phases": [{"title": "Search", "due": "2025-06-01"}, {"title": "Sign", "due": "2025-09-30"}],
    } | changes


def test_valid_plan():
    plan = PlanIn.model_validate({"goals": [goal(), goal(area="work")]})
    assert [g.area for g in plan.goals] == ["housing", "work"]


def test_plan_needs_a_goal():
    error = only_error(PlanIn, {"goals": []})
    assert (error["loc"], error["msg"]) == (("goals",), "a plan needs at least one goal")


def test_goals_added_are_given_as_a_plan_s_and_at_least_one():
    added = GoalsIn.model_validate({"goals": [goal()]})
    assert [(g.area, len(g.phases)) for g in added.goals] == [("housing", 2)]
    error = only_error(GoalsIn, {"goals": []})
    assert (error["loc"], error["msg"]) == (("goals",), "give at least one goal to add to the plan")
    late = goal(phases=[{"title": "Sign", "due": "2025-10-01"}])
    assert only_error(GoalsIn, {"goals": [late]})["loc"] == ("goals", 0, "phases")


def test_phase_after_deadline_is_refused():
    late = goal(phases=[{"title": "Search", "due": "2025-06-01"}, {"title": "Sign", "due": "2025-10-01"}])
    error = only_error(PlanIn, {"goals": [goal(), late]})
    assert error["loc"] == ("goals", 1, "phases")
    assert error["msg"].startswith("phases[1].due: phase 'Sign' is due 2025-10-01, after the goal deadline")


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"area": "health"}, ("goals", 0, "area")),
        ({"title": " "}, ("goals", 0, "title")),
        ({"responsible_operator": ""}, ("goals", 0, "responsible_operator")),
        ({"deadline": "soon"}, ("goals", 0, "deadline")),
    ],
)
def test_goal_field_rules(changes, loc):
    assert only_error(PlanIn, {"goals": [goal(**changes)]})["loc"] == loc


# --- goal outcome ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"outcome": "met"},
        {"outcome": "missed", "reason": "moved away"},
        {"outcome": "replanned", "new_deadline": "2025-12-31", "reason": "course postponed"},
    ],
)
def test_valid_outcomes(payload):
    assert GoalOutcomeIn.model_validate(payload).outcome == GoalOutcome(payload["outcome"])


def test_replanned_needs_new_deadline():
    error = only_error(GoalOutcomeIn, {"outcome": "replanned", "reason": "course postponed"})
    assert (error["loc"], error["msg"]) == (("new_deadline",), "a replanned goal needs new_deadline")


def test_replanned_needs_reason():
    error = only_error(GoalOutcomeIn, {"outcome": "replanned", "new_deadline": "2025-12-31"})
    assert (error["loc"], error["msg"]) == (("reason",), "a replanned goal needs a reason")


@pytest.mark.parametrize("outcome", ["met", "missed"])
def test_new_deadline_only_when_replanned(outcome):
    error = only_error(GoalOutcomeIn, {"outcome": outcome, "new_deadline": "2025-12-31"})
    assert error["loc"] == ("new_deadline",)
    assert error["msg"] == f"new_deadline is only for outcome 'replanned', not '{outcome}'"


def test_unknown_outcome():
    assert only_error(GoalOutcomeIn, {"outcome": "abandoned"})["loc"] == ("outcome",)


# --- path transition ------------------------------------------------------------------------


def test_valid_transition():
    move = PathTransitionIn.model_validate({"to": "interrupted", "reason": "moved to Germany"})
    assert move.to is PathStatus.interrupted


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"to": "closed", "reason": "x"}, ("to",)),
        ({"to": "interrupted", "reason": "  "}, ("reason",)),
        ({"to": "interrupted"}, ("reason",)),
    ],
)
def test_transition_rules(payload, loc):
    assert only_error(PathTransitionIn, payload)["loc"] == loc


# --- intervention ---------------------------------------------------------------------------

MEDIATION = {
    "kind": "intercultural_mediation",
    "date": "2025-03-10",
    "duration_minutes": 90,
    "operator_id": "op-1",
    "project_id": "fami-2025",
    "cost_eur": "45.50",
    "hours": 1.5,
}
COUNSELLING = {k: v for k, v in MEDIATION.items() if k != "hours"} | {"kind": "counselling"}


def test_valid_mediation():
    intervention = InterventionIn.model_validate(MEDIATION)
    assert (intervention.hours, intervention.cost_eur) == (Decimal("1.5"), Decimal("45.50"))


def test_mediation_needs_hours():
    payload = {k: v for k, v in MEDIATION.items() if k != "hours"}
    error = only_error(InterventionIn, payload)
    assert (error["loc"], error["msg"]) == (("hours",), "intercultural_mediation needs hours greater than 0")


@pytest.mark.parametrize("hours", [0, -1])
def test_mediation_hours_above_zero(hours):
    error = only_error(InterventionIn, MEDIATION | {"hours": hours})
    assert (error["loc"], error["type"]) == (("hours",), "greater_than")


def test_hours_only_for_mediation():
    error = only_error(InterventionIn, COUNSELLING | {"hours": 1})
    assert error["loc"] == ("hours",)
    assert error["msg"] == (
        "hours are recorded only for intercultural_mediation, not 'counselling'; use duration_minutes"
    )


@pytest.mark.parametrize("kind", ["italian_course", "italian_for_work_course", "it_course", "vocational_training"])
def test_course_id_for_course_kinds(kind):
    payload = COUNSELLING | {"kind": kind, "course_id": "ita-a2-2025"}
    assert InterventionIn.model_validate(payload).course_id == "ita-a2-2025"
    assert InterventionIn.model_validate(COUNSELLING | {"kind": kind}).course_id is None


def test_course_id_refused_for_other_kinds():
    error = only_error(InterventionIn, COUNSELLING | {"course_id": "ita-a2-2025"})
    assert error["loc"] == ("course_id",)
    assert error["msg"] == (
        "course_id applies only to it_course, italian_course, italian_for_work_course, "
        "vocational_training, not 'counselling'"
    )


@pytest.mark.parametrize(
    ("cost", "kind"),
    [("12.345", "decimal_max_places"), ("-0.01", "greater_than_equal"), ("abc", "money_format"),
     ("1e2", "money_format"), (12.5, "money_format")],
)
def test_cost_rules(cost, kind):
    error = only_error(InterventionIn, COUNSELLING | {"cost_eur": cost})
    assert (error["loc"], error["type"]) == (("cost_eur",), kind)


@pytest.mark.parametrize("cost", ["0", "0.00", "1200.5"])
def test_costs_accepted(cost):
    assert InterventionIn.model_validate(COUNSELLING | {"cost_eur": cost}).cost_eur == Decimal(cost)


def test_cost_is_optional():
    payload = {k: v for k, v in COUNSELLING.items() if k != "cost_eur"}
    assert InterventionIn.model_validate(payload).cost_eur is None


@pytest.mark.parametrize(("minutes", "kind"), [(0, "greater_than_equal"), (1441, "less_than_equal")])
def test_duration_rules(minutes, kind):
    error = only_error(InterventionIn, COUNSELLING | {"duration_minutes": minutes})
    assert (error["loc"], error["type"]) == (("duration_minutes",), kind)


def test_intervention_date_not_in_the_future():
    error = only_error(InterventionIn, COUNSELLING | {"date": "2025-03-11"})
    assert (error["loc"], error["msg"]) == (("date",), "2025-03-11 is after today (2025-03-10)")


@pytest.mark.parametrize("field", ["operator_id", "project_id"])
def test_operator_and_project_required(field):
    payload = {k: v for k, v in COUNSELLING.items() if k != field}
    assert only_error(InterventionIn, payload)["loc"] == (field,)


def test_unknown_kind():
    error = only_error(InterventionIn, COUNSELLING | {"kind": "traineeship"})
    assert error["loc"] == ("kind",)


def test_every_italian_variant_of_a_need_is_a_keyword_of_the_wire_and_can_match():
    """A variant not in keyword form (accents, spaces) could never match what keyword() makes of a need."""
    from intake.domain.assessment import NEED_KEYWORDS, SYNONYMS, keyword, need_keywords
    from intake.domain.plan import Area

    vocabulary = set().union(*NEED_KEYWORDS.values())
    for variant, meant in SYNONYMS.items():
        assert meant in vocabulary and keyword(variant) == variant, variant
    assert need_keywords(Area.work, ["Asilo nido", "Orientamento al lavoro", "Mobilità"]) == [
        "childcare", "job_orientation", "mobility"]
