"""The housing team's workflow for one proposal, as a state machine:

    proposed -> accepted (by the team) -> confirmed (by the person and by the host or landlord, either
    first) -> moved_in -> moved_out (with a reason); or declined at any step before moving in, by an actor
    with a reason from that actor's list (rules/workflow.yaml). The matcher may also withdraw a proposal
    nobody acted on when a re-match finds better (declined by `system`, reason `superseded`).

Each step returns the event's from/to statuses; a step not allowed from the current status is refused
with a Conflict naming the rule, and nothing changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from housing.domain.rules import WorkflowRules
from shared.errors import Conflict, RuleViolation


class Status(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    confirmed_by_person = "confirmed_by_person"
    confirmed_by_host = "confirmed_by_host"
    confirmed = "confirmed"
    moved_in = "moved_in"
    moved_out = "moved_out"
    declined = "declined"


OPEN = frozenset({Status.proposed, Status.accepted, Status.confirmed_by_person, Status.confirmed_by_host,
                  Status.confirmed})
HOLDS_BEDS = OPEN - {Status.proposed}  # once the team accepts, the beds are the household's
DECLINABLE = OPEN
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Proposal:
    proposal_id: UUID
    organisation_id: str
    beneficiary_id: UUID
    place_id: UUID
    household_size: int
    status: Status
    made_on: date
    last_step_on: date
    person_confirmed: bool = False
    host_confirmed: bool = False
    decline_actor: str | None = None
    decline_reason: str | None = None
    move_out_reason: str | None = None
    by_hand: bool = False  # made by the team, not the matcher: holds its beds, never superseded

    @property
    def holds_beds(self) -> bool:
        """Accepted (and on to moving in), or proposed by the team's own hand."""
        return self.status in HOLDS_BEDS or (self.by_hand and self.status is Status.proposed)

    @property
    def matchers(self) -> bool:
        """The matcher's own: proposed by it, nobody acted on it yet; a re-match may replace it."""
        return self.status is Status.proposed and not self.by_hand

    def is_stalled(self, today: date, rules: WorkflowRules) -> bool:
        """Untouched for the configured number of days while still open."""
        return self.status in OPEN and today - self.last_step_on >= timedelta(days=rules.stalled_after_days)


def holding(proposals: Iterable[Proposal], place_id: UUID, but: Proposal | None = None) -> list[Proposal]:
    """The proposals holding beds at a place (leaving out `but`, the one being stepped): what is not
    free there, whoever asks (a step, a change to the place)."""
    return [p for p in proposals if p.place_id == place_id and p.holds_beds
            and (but is None or p.proposal_id != but.proposal_id)]


@dataclass(frozen=True)
class Step:
    proposal: Proposal
    from_status: Status
    to_status: Status
    actor: str


def _refuse(p: Proposal, action: str, allowed: str) -> Conflict:
    return Conflict(f"cannot {action} a proposal that is {p.status.value}; allowed when {allowed}",
                    rule=f"{action}_not_allowed", field="status", status=p.status.value)


def accept(p: Proposal, today: date) -> Step:
    if p.status is not Status.proposed:
        raise _refuse(p, "accept", "proposed")
    return Step(replace(p, status=Status.accepted, last_step_on=today), p.status, Status.accepted, "team")


def confirm(p: Proposal, actor: str, today: date) -> Step:
    """The person or the host confirms; both make the proposal confirmed."""
    if actor not in ("person", "host"):
        raise RuleViolation("actor", "confirming_actor", "only the person or the host confirms")
    if p.status not in (Status.accepted, Status.confirmed_by_person, Status.confirmed_by_host):
        raise _refuse(p, "confirm", "accepted by the team")
    person = p.person_confirmed or actor == "person"
    host = p.host_confirmed or actor == "host"
    if (actor == "person" and p.person_confirmed) or (actor == "host" and p.host_confirmed):
        raise Conflict(f"the {actor} already confirmed", rule="already_confirmed", field="actor")
    to = Status.confirmed if person and host else (Status.confirmed_by_person if person else Status.confirmed_by_host)
    return Step(replace(p, status=to, person_confirmed=person, host_confirmed=host, last_step_on=today),
                p.status, to, actor)


def move_in(p: Proposal, today: date) -> Step:
    if p.status is not Status.confirmed:
        raise _refuse(p, "move_in", "confirmed by the person and the host")
    return Step(replace(p, status=Status.moved_in, last_step_on=today), p.status, Status.moved_in, "team")


def move_out(p: Proposal, reason: str, note: str | None, today: date, rules: WorkflowRules) -> tuple[Step, bool]:
    """(the step, whether the reason closes the housing goal); 'other' needs a note, as a decline's does."""
    if reason not in rules.move_out_reasons:
        raise RuleViolation("reason", "move_out_reason_unknown",
                            f"reason must be one of {sorted(rules.move_out_reasons)}")
    _note_for_other(reason, note, "a move out")
    if p.status is not Status.moved_in:
        raise _refuse(p, "move_out", "moved in")
    step = Step(replace(p, status=Status.moved_out, move_out_reason=reason, last_step_on=today), p.status,
                Status.moved_out, "team")
    return step, rules.move_out_reasons[reason].closes_goal


def decline(p: Proposal, actor: str, reason: str, note: str | None, today: date, rules: WorkflowRules) -> Step:
    """Declined by an actor with a reason from that actor's list; 'other' needs a note."""
    if actor == "system":
        allowed: tuple[str, ...] = (SUPERSEDED,)
    elif actor in rules.decline_reasons:
        allowed = rules.decline_reasons[actor]
    else:
        raise RuleViolation("actor", "decline_actor_unknown", f"actor must be one of {sorted(rules.decline_reasons)}")
    if reason not in allowed:
        raise RuleViolation("reason", "decline_reason_unknown", f"a {actor} declines with one of {list(allowed)}")
    _note_for_other(reason, note, "a decline")
    if p.status not in DECLINABLE:
        raise _refuse(p, "decline", "proposed, accepted or confirmed (before moving in)")
    return Step(replace(p, status=Status.declined, decline_actor=actor, decline_reason=reason, last_step_on=today),
                p.status, Status.declined, actor)


def _note_for_other(reason: str, note: str | None, what: str) -> None:
    if reason == "other" and not (note and note.strip()):
        raise RuleViolation("note", "note_required_for_other", f"{what} for 'other' needs a note saying why")
