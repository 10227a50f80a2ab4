"""Every step of the pipeline and every refusal, against a table written out from the issue."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from employment.domain.levels import ContractType, OpeningKind
from employment.domain.pipeline import Hire, Placement, Stage, advance
from employment.domain.stats import StageVisit, funnel
from shared.errors import Conflict, RuleViolation

pytestmark = pytest.mark.unit
REASONS = frozenset({"found_other_work", "withdrew", "not_selected", "company_closed", "moved_away", "health", "other"})
HIRE = Hire(ContractType.fixed_term, Decimal("1250.00"), 36, "058091")

WORK = {("proposed", "interview"), ("proposed", "declined"), ("interview", "started"), ("interview", "interrupted"),
        ("interview", "hired"), ("started", "completed"), ("started", "interrupted"), ("started", "hired"),
        ("completed", "hired")}
ALLOWED = {
    OpeningKind.traineeship: WORK, OpeningKind.bursary: WORK,
    OpeningKind.job_offer: {("proposed", "interview"), ("proposed", "declined"), ("interview", "hired"),
                            ("interview", "interrupted")},
    OpeningKind.course: {("proposed", "enrolled"), ("proposed", "declined"), ("enrolled", "completed"),
                         ("enrolled", "dropped")},
}


def placement(kind: OpeningKind, stage: Stage) -> Placement:
    return Placement(uuid4(), uuid4(), kind, uuid4(), "coop-a", stage, date(2027, 1, 10), 700)


def step(p: Placement, to: Stage, **kw):
    if to in (Stage.interrupted, Stage.dropped, Stage.declined):
        kw.setdefault("reason", "withdrew")
    if to is Stage.hired:
        kw.setdefault("hire", HIRE)
    return advance(p, to, on=date(2027, 2, 1), reasons=REASONS, **kw)


@pytest.mark.parametrize(("kind", "source", "target"), [
    (k, a, b) for k in OpeningKind for a, b in itertools.product(Stage, Stage)])
def test_only_the_listed_steps_are_allowed(kind, source, target):
    p = placement(kind, source)
    if (source.value, target.value) in ALLOWED[kind]:
        moved = step(p, target)
        assert moved.stage is target and moved.since == date(2027, 2, 1)
    else:
        with pytest.raises(Conflict) as e:
            step(p, target)
        assert e.value.rule == "stage_not_allowed"
        assert set(e.value.extra["allowed"]) == {b for a, b in ALLOWED[kind] if a == source.value}


def test_an_interruption_needs_a_reason_from_the_list():
    p = placement(OpeningKind.traineeship, Stage.started)
    with pytest.raises(RuleViolation) as e:
        advance(p, Stage.interrupted, on=date(2027, 2, 1), reasons=REASONS, reason="bored")
    assert (e.value.field, e.value.rule) == ("reason", "reason_from_list")
    with pytest.raises(RuleViolation):
        advance(p, Stage.interrupted, on=date(2027, 2, 1), reasons=REASONS)
    assert step(p, Stage.interrupted, reason="health").reason == "health"


def test_only_closing_steps_take_a_reason():
    with pytest.raises(RuleViolation) as e:
        step(placement(OpeningKind.traineeship, Stage.proposed), Stage.interview, reason="health")
    assert e.value.rule == "reason_only_when_closing"


def test_a_hire_carries_its_terms_and_only_a_hire_does():
    p = placement(OpeningKind.job_offer, Stage.interview)
    with pytest.raises(RuleViolation) as e:
        advance(p, Stage.hired, on=date(2027, 2, 1), reasons=REASONS)
    assert e.value.field == "hire"
    with pytest.raises(RuleViolation):
        advance(placement(OpeningKind.traineeship, Stage.interview), Stage.started, on=date(2027, 2, 1),
                reasons=REASONS, hire=HIRE)
    with pytest.raises(RuleViolation) as e:
        step(p, Stage.hired, hire=Hire(ContractType.permanent, Decimal("0"), 36, "058091"))
    assert e.value.field == "hire.monthly_income_eur"
    assert step(p, Stage.hired).hire == HIRE


def test_a_step_cannot_be_dated_before_the_current_stage():
    with pytest.raises(RuleViolation) as e:
        advance(placement(OpeningKind.course, Stage.proposed), Stage.enrolled, on=date(2027, 1, 9), reasons=REASONS)
    assert e.value.rule == "before_current_stage"


def test_a_stage_dated_after_today_has_spent_no_days_in_the_funnel():
    """Steps may be dated after today; the funnel answered such a stage still current as -128 days."""
    opening, today = uuid4(), date(2026, 12, 3)
    early, late = uuid4(), uuid4()
    visits = [StageVisit(early, opening, OpeningKind.bursary, Stage.proposed, date(2026, 11, 23), date(2026, 11, 29)),
              StageVisit(early, opening, OpeningKind.bursary, Stage.interview, date(2026, 11, 29), None),
              StageVisit(late, opening, OpeningKind.bursary, Stage.proposed, date(2026, 11, 30), date(2027, 1, 20)),
              StageVisit(late, opening, OpeningKind.bursary, Stage.interview, date(2027, 1, 20), None)]
    days = funnel(visits, today=today)[opening]["mean_days_in_stage"]
    assert days == {"proposed": (6 + 51) / 2, "interview": (4 + 0) / 2}
