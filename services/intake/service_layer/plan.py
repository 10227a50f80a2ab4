"""The individual plan: agreeing it (which moves the path to plan_agreed), adding goals to it as needs
emerge, and recording each goal's outcome. A goal's changes are appended to goal_history, never written over."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from intake.adapters.repository_path import NewGoal
from intake.adapters.vault import Vault
from intake.domain import plan as rules
from intake.domain.path import PathStatus, ReasonCategory, check_goals_can_be_added
from intake.service_layer.commands import GoalIn, GoalOutcome, GoalOutcomeIn, GoalsIn, PlanIn
from intake.service_layer.errors import Conflict, NotFound, Violations
from intake.service_layer.person import emit, locked_person, open_notes, seal
from intake.service_layer.transitions import move
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import GoalOutcomeRecorded, GoalsAdded, GoalSummary, PlanAgreed
from shared.repository import Row


async def agree(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, data: PlanIn, *, today: date
) -> list[UUID]:
    """Store the plan and move the path taken_in_charge → plan_agreed; returns the goal ids."""
    _check_dates(data.goals, today)
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        status_changed = await move(
            uow, vault, principal, person, PathStatus.plan_agreed, category=ReasonCategory.plan_agreed,
            reason="individual plan agreed", today=today,
        )
        goals = _new_goals(vault, person, data.goals, first_position=0)
        await uow.path.insert_plan(
            beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, agreed_on=today,
            agreed_by=principal.subject, goals=goals,
        )
        emit(uow, principal, person, PlanAgreed(agreed_on=today, goals=_summaries(goals)), status_changed)
    return [g.goal_id for g in goals]


async def add_goals(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, data: GoalsIn, *, today: date
) -> tuple[list[UUID], str]:
    """Add goals to the agreed plan of a path being followed, each held to the rules of a plan's goals
    as if agreed today; returns their ids and the path's status (unchanged)."""
    _check_dates(data.goals, today)
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        plan, existing = await uow.path.plan_of(beneficiary_id=beneficiary_id)
        status = PathStatus(person["path_status"])
        check_goals_can_be_added(status, has_plan=plan is not None)
        after = max((g["position"] for g in existing), default=-1) + 1  # after the plan's goals, in their order
        goals = _new_goals(vault, person, data.goals, first_position=after)
        await uow.path.insert_goals(
            beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, change="added",
            recorded_on=today, recorded_by=principal.subject, goals=goals,
        )
        emit(uow, principal, person, GoalsAdded(added_on=today, goals=_summaries(goals)))
    return [g.goal_id for g in goals], status.value


def _check_dates(goals: list[GoalIn], agreed_on: date) -> None:
    too_early = rules.not_before_agreement([(g.deadline, [p.due for p in g.phases]) for g in goals], agreed_on)
    if too_early:
        raise Violations(too_early)


def _new_goals(vault: Vault, person: Row, goals: list[GoalIn], *, first_position: int) -> list[NewGoal]:
    """The goals as stored: coarse columns in plain, title and phase titles sealed with the person's key."""
    return [
        NewGoal(goal_id=uuid4(), position=first_position + index, area=g.area.value,
                responsible_operator=g.responsible_operator, deadline=g.deadline, phase_dues=[p.due for p in g.phases],
                notes=seal(vault, person, {"title": g.title, "phases": [p.title for p in g.phases]}))
        for index, g in enumerate(goals)
    ]


def _summaries(goals: list[NewGoal]) -> list[GoalSummary]:
    return [GoalSummary(goal_id=g.goal_id, area=g.area, deadline=g.deadline, phases=len(g.phase_dues))
            for g in goals]


async def record_outcome(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, goal_id: UUID,
    data: GoalOutcomeIn, *, today: date,
) -> GoalOutcomeRecorded:
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        row = await uow.path.goal_for_update(beneficiary_id=beneficiary_id, goal_id=goal_id)
        if row is None:
            raise NotFound(f"no goal {goal_id} in the plan of beneficiary {beneficiary_id}", field="goal_id")
        before = _goal(row, open_notes(vault, person, row["notes"]))
        after = _apply(before, data, today)
        await uow.path.update_goal(
            goal_id=goal_id, status=after.status.value, deadline=after.deadline, closed_on=after.closed_on
        )
        await uow.path.append_goal_history(
            goal_id=goal_id, beneficiary_id=beneficiary_id, change=data.outcome.value, status=after.status.value,
            deadline=after.deadline, closed_on=after.closed_on,
            notes=seal(vault, person, {"reason": data.reason}) if data.reason else None,
            recorded_on=today, recorded_by=principal.subject,
        )
        event = GoalOutcomeRecorded(
            goal_id=goal_id, area=after.area.value, outcome=data.outcome.value, recorded_on=today,
            deadline=after.deadline,
            previous_deadline=before.deadline if data.outcome == GoalOutcome.replanned else None,
        )
        emit(uow, principal, person, event)
    return event


def _goal(row: Row, notes: dict[str, Any]) -> rules.Goal:
    phases = tuple(rules.Phase(title=t, due=d) for t, d in zip(notes["phases"], row["phase_dues"], strict=True))
    return rules.Goal(
        goal_id=str(row["goal_id"]), area=rules.Area(row["area"]), title=notes["title"], deadline=row["deadline"],
        responsible_operator=row["responsible_operator"], phases=phases, status=rules.GoalStatus(row["status"]),
        closed_on=row["closed_on"],
    )


def _apply(goal: rules.Goal, data: GoalOutcomeIn, today: date) -> rules.Goal:
    try:
        if data.outcome == GoalOutcome.met:
            return rules.met(goal, today)
        if data.outcome == GoalOutcome.missed:
            return rules.missed(goal)
        assert data.new_deadline is not None and data.reason is not None  # the schema requires both
        return rules.replan(goal, data.new_deadline, data.reason)
    except rules.PlanRuleViolation as exc:
        if exc.rule == "goal_closed":  # not the input's fault: the goal's state forbids it
            raise Conflict(exc.message, rule=exc.rule, goal_status=goal.status.value) from None
        raise
