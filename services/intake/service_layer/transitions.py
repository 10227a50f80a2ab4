"""Moving a person's path between statuses, through the domain's transition table."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault
from intake.domain.path import (
    REACHED_BY_PLAN,
    ForbiddenTransition,
    PathStatus,
    ReasonCategory,
    allowed_targets,
    transition,
)
from intake.service_layer.commands import PathTransitionIn
from intake.service_layer.errors import Conflict, RuleViolation
from intake.service_layer.person import emit, locked_person, seal
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import PathStatusChanged
from shared.repository import Row


class TransitionRefused(Conflict):
    """The path cannot make this move; the answer names from, to, the allowed targets and why."""

    def __init__(self, current: PathStatus, target: PathStatus, allowed: frozenset[PathStatus], reason: str) -> None:
        extra: dict[str, Any] = {"from": current.value, "to": target.value, "allowed": sorted(allowed),
                                 "reason": reason}
        super().__init__(f"path cannot move from '{current}' to '{target}': {reason}", rule="forbidden_transition",
                         **extra)


async def move(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, person: Row, target: PathStatus, *,
    category: ReasonCategory, reason: str, today: date,
) -> PathStatusChanged:
    """Apply the move to a locked person, keep it in path_transitions, and return its event."""
    current = PathStatus(person["path_status"])
    has_plan = await uow.path.has_plan(beneficiary_id=person["beneficiary_id"])
    try:
        new = transition(current, target, has_plan=has_plan)
    except ForbiddenTransition as exc:
        raise TransitionRefused(current, target, exc.allowed, exc.reason) from None
    await uow.people.set_path_status(beneficiary_id=person["beneficiary_id"], status=new.value)
    await uow.path.append_transition(
        beneficiary_id=person["beneficiary_id"], from_status=current.value, to_status=new.value,
        reason_category=category.value, notes=seal(vault, person, {"reason": reason}), changed_on=today,
        changed_by=principal.subject,
    )
    return PathStatusChanged(
        from_status=current.value, to_status=new.value, reason_category=category.value, changed_on=today
    )


async def _day_of_move(uow: IntakeUnitOfWork, person: Row, on: date) -> date:
    """A move dated in the past (a caseload's history) comes after the person was taken in charge and
    after the path's latest move, so the history stays in order."""
    started = person["taken_in_charge_on"] or person["registered_on"]
    if on < started:
        raise RuleViolation("changed_on", "before_taken_in_charge",
                            f"{on.isoformat()} is before the person was taken in charge ({started.isoformat()})")
    last = await uow.caseload.last_move_on(beneficiary_id=person["beneficiary_id"])
    if last is not None and on < last:
        raise RuleViolation("changed_on", "before_last_move",
                            f"{on.isoformat()} is before the path's latest move ({last.isoformat()})")
    return on


async def change_status(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, data: PathTransitionIn, *,
    today: date,
) -> PathStatusChanged:
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        current = PathStatus(person["path_status"])
        # Only a path without a plan can move to plan_agreed, and only by agreeing one.
        without_plan = allowed_targets(current, has_plan=False)
        if data.to == REACHED_BY_PLAN and data.to in without_plan:
            why = f"'{REACHED_BY_PLAN}' is reached by agreeing a plan: POST /api/v1/beneficiaries/{beneficiary_id}/plan"
            raise TransitionRefused(current, data.to, without_plan - {REACHED_BY_PLAN}, why)
        on = today if data.changed_on is None else await _day_of_move(uow, person, data.changed_on)
        event = await move(
            uow, vault, principal, person, data.to, category=data.reason_category, reason=data.reason, today=on
        )
        emit(uow, principal, person, event)
    return event
