"""Reading a person's plan. Titles, phases and reasons are personal: they are opened only when
the caller states why, and that read is written to the audit log in the same transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault
from intake.service_layer.errors import NotFound
from intake.service_layer.reads import Opener, person_for_read
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.repository import Row


async def read_plan(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, *, purpose: str | None
) -> dict[str, Any]:
    async with uow:
        person = await person_for_read(uow, principal, beneficiary_id, action="read_plan", purpose=purpose)
        plan, goals = await uow.path.plan_of(beneficiary_id=beneficiary_id)
        if plan is None:
            raise NotFound(f"beneficiary {beneficiary_id} has no plan yet")
        history = await uow.path.goal_history_of(beneficiary_id=beneficiary_id)
    opener = Opener(vault, person) if purpose else None
    return {
        "agreed_on": plan["agreed_on"],
        "goals": [_goal(g, [h for h in history if h["goal_id"] == g["goal_id"]], opener) for g in goals],
    }


def _goal(row: Row, history: list[Row], opener: Opener | None) -> dict[str, Any]:
    goal = {k: row[k] for k in ("goal_id", "area", "deadline", "status", "closed_on", "responsible_operator")}
    goal["phase_dues"] = list(row["phase_dues"])
    goal["history"] = [{k: h[k] for k in ("change", "status", "deadline", "recorded_on", "recorded_by")}
                       for h in history]
    if opener is not None:
        notes = opener(row["notes"]) or {}
        goal["title"] = notes.get("title")
        goal["phases"] = [{"title": t, "due": d} for t, d in zip(notes.get("phases", []), row["phase_dues"],
                                                                 strict=False)]
        for entry, h in zip(goal["history"], history, strict=True):
            entry["reason"] = (opener(h["notes"]) or {}).get("reason")
    return goal
