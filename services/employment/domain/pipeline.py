"""The pipeline to work: one person's placement in one opening, moved along allowed steps only.

Traineeships and bursaries: proposed -> interview -> started -> completed | interrupted; job offers:
proposed -> interview -> hired | interrupted; courses: proposed -> enrolled -> completed | dropped. A
proposal may be declined (by the team or the person, with a reason; by the engine when a re-match
gives the seat to someone else). `hired` is an outcome (from an interview, a traineeship or bursary
under way or completed), carrying the contract type, the income and the workplace."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from employment.domain.levels import ContractType, OpeningKind
from shared.errors import Conflict, RuleViolation


class Stage(StrEnum):
    proposed = "proposed"
    interview = "interview"
    started = "started"
    completed = "completed"
    interrupted = "interrupted"
    enrolled = "enrolled"
    dropped = "dropped"
    declined = "declined"
    hired = "hired"


_WORK = {
    Stage.proposed: {Stage.interview, Stage.declined},
    Stage.interview: {Stage.started, Stage.interrupted, Stage.hired},
    Stage.started: {Stage.completed, Stage.interrupted, Stage.hired},
    Stage.completed: {Stage.hired},
}
_JOB = {
    Stage.proposed: {Stage.interview, Stage.declined},
    Stage.interview: {Stage.hired, Stage.interrupted},
}
_COURSE = {
    Stage.proposed: {Stage.enrolled, Stage.declined},
    Stage.enrolled: {Stage.completed, Stage.dropped},
}
TRANSITIONS: dict[OpeningKind, dict[Stage, set[Stage]]] = {
    OpeningKind.traineeship: _WORK, OpeningKind.bursary: _WORK, OpeningKind.job_offer: _JOB,
    OpeningKind.course: _COURSE,
}
CLOSING_WITH_REASON = {Stage.interrupted, Stage.dropped, Stage.declined}
# A placement in these stages holds its seat; the others released it.
HOLDS_SEAT = {Stage.proposed, Stage.interview, Stage.started, Stage.enrolled}
BEGUN = {Stage.started, Stage.completed, Stage.interrupted, Stage.enrolled, Stage.dropped}  # a placement that began
def holds_seat(p: Placement) -> bool:
    """Past the proposal, or proposed by the team: the seat is the person's and the engine leaves both out."""
    return p.stage in HOLDS_SEAT and (p.stage is not Stage.proposed or p.pinned)


# Stages in the order the team reads conversion along them.
FUNNEL: dict[OpeningKind, tuple[Stage, ...]] = {
    OpeningKind.traineeship: (Stage.proposed, Stage.interview, Stage.started, Stage.completed),
    OpeningKind.bursary: (Stage.proposed, Stage.interview, Stage.started, Stage.completed),
    OpeningKind.job_offer: (Stage.proposed, Stage.interview, Stage.hired),
    OpeningKind.course: (Stage.proposed, Stage.enrolled, Stage.completed),
}


@dataclass(frozen=True)
class Hire:
    contract_type: ContractType
    monthly_income_eur: Decimal
    weekly_hours: int
    workplace_municipality: str


@dataclass(frozen=True)
class Placement:
    placement_id: UUID
    opening_id: UUID
    kind: OpeningKind
    beneficiary_id: UUID
    organisation_id: str
    stage: Stage
    since: date
    score: int
    reason: str | None = None
    hire: Hire | None = None
    pinned: bool = False  # proposed by the team, not by the engine: it holds its seat until moved on

    def allowed(self) -> set[Stage]:
        return TRANSITIONS[self.kind].get(self.stage, set())


def advance(
    p: Placement, to: Stage, *, on: date, reasons: Collection[str], reason: str | None = None,
    hire: Hire | None = None,
) -> Placement:
    """The placement in its next stage, or a 409 naming the allowed ones / a 422 on the reason or the hire."""
    allowed = p.allowed()
    if to not in allowed:
        raise Conflict(
            f"a {p.kind.value} placement cannot go from {p.stage.value} to {to.value}",
            rule="stage_not_allowed", field="stage", allowed=sorted(s.value for s in allowed),
        )
    if on < p.since:
        raise RuleViolation("on", "before_current_stage", f"the step is dated before the current stage ({p.since})")
    if to in CLOSING_WITH_REASON:
        if reason not in reasons:
            raise RuleViolation("reason", "reason_from_list", f"the reason is one of: {', '.join(sorted(reasons))}")
    elif reason is not None:
        raise RuleViolation("reason", "reason_only_when_closing", "only an interruption or a drop takes a reason")
    if (to is Stage.hired) != (hire is not None):
        raise RuleViolation("hire", "hire_terms", "a hire, and only a hire, carries the contract terms")
    if hire is not None and hire.monthly_income_eur <= 0:
        raise RuleViolation("hire.monthly_income_eur", "positive", "the monthly income is positive")
    return replace(p, stage=to, since=on, reason=reason, hire=hire)


def starts_payments(p: Placement) -> bool:
    """Moving into `started` commits the project's money for the whole placement."""
    return p.stage is Stage.started and p.kind in (OpeningKind.traineeship, OpeningKind.bursary)
