"""Moving a person's path between statuses, through the domain's transition table."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from intake.adapters import repository, repository_path
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
from intake.service_layer.errors import Conflict
from intake.service_layer.person import emit, locked_person, seal
from shared.auth import Principal
from shared.events.contracts import PathStatusChanged


class TransitionRefused(Conflict):
    """The path cannot make this move; the answer names from, to, the allowed targets and why."""

    def __init__(self, current: PathStatus, target: PathStatus, allowed: frozenset[PathStatus], reason: str) -> None:
        super().__init__(
            f"path cannot move from '{current}' to '{target}': {reason}", rule="forbidden_transition",
            **{"from": current.value, "to": target.value, "allowed": sorted(allowed), "reason": reason},
        )


async def move(
    conn: asyncpg.Connection, vault: Vault, principal: Principal, person: asyncpg.Record, target: PathStatus, *,
    category: ReasonCategory, reason: str, today: date,
) -> PathStatusChanged:
    """Apply the move to a locked person, keep it in path_transitions, and return its event."""
    current = PathStatus(person["path_status"])
    has_plan = await repository_path.has_plan(conn, beneficiary_id=person["beneficiary_id"])
    try:
        new = transition(current, target, has_plan=has_plan)
    except ForbiddenTransition as exc:
        raise TransitionRefused(current, target, exc.allowed, exc.reason) from None
    await repository.set_path_status(conn, beneficiary_id=person["beneficiary_id"], status=new.value)
    await repository_path.append_transition(
        conn, beneficiary_id=person["beneficiary_id"], from_status=current.value, to_status=new.value,
        reason_category=category.value, notes=seal(vault, person, {"reason": reason}), changed_on=today,
        changed_by=principal.subject,
    )
    return PathStatusChanged(
        from_status=current.value, to_status=new.value, reason_category=category.value, changed_on=today
    )


async def change_status(
    pool: asyncpg.Pool, vault: Vault, principal: Principal, beneficiary_id: UUID, data: PathTransitionIn, *,
    today: date,
) -> PathStatusChanged:
    async with pool.acquire() as conn, conn.transaction():
        person = await locked_person(conn, principal, beneficiary_id)
        current = PathStatus(person["path_status"])
        # Only a path without a plan can move to plan_agreed, and only by agreeing one.
        without_plan = allowed_targets(current, has_plan=False)
        if data.to == REACHED_BY_PLAN and data.to in without_plan:
            why = f"'{REACHED_BY_PLAN}' is reached by agreeing a plan: POST /api/v1/beneficiaries/{beneficiary_id}/plan"
            raise TransitionRefused(current, data.to, without_plan - {REACHED_BY_PLAN}, why)
        event = await move(
            conn, vault, principal, person, data.to, category=data.reason_category, reason=data.reason, today=today
        )
        await emit(conn, principal, beneficiary_id, event)
    return event
