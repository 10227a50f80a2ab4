"""How intake's events become facts. Fields a newer contract adds (the date taken in charge, the
province, the citizenship) are read when present, so the mapping works across contract versions."""

from __future__ import annotations

from typing import Any

from reporting.domain.facts import decimal_or_none, maps, payload_value
from shared.events.envelope import Event, EventPayload

CLOSED_STATUSES = ("autonomy_reached", "transferred")


def _person(event: Event[EventPayload]) -> dict[str, Any]:
    p = event.payload
    province = payload_value(event, "area")
    return {
        "sex": payload_value(event, "sex"), "age_band": payload_value(event, "age_band"),
        "legal_status": payload_value(event, "legal_status"),
        "citizenship": payload_value(event, "citizenship"), "province": province,
        "category": getattr(p, "reception", None),
        # A woman neither working nor seeking work when taken in charge (the FAMI inactivity indicator).
        "kind": "inactive_at_intake" if getattr(p, "women_inactive", None) else None,
        "women_inactive": yes_no(getattr(p, "women_inactive", None)),
    }


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@maps("intake.beneficiary_registered")
def _registered(event: Event[EventPayload]) -> list[dict[str, Any]]:
    """One fact per project the person was taken in charge in (none: one fact without a project)."""
    on = payload_value(event, "taken_in_charge_on") or payload_value(event, "registered_on")
    projects = list(getattr(event.payload, "project_ids", []) or []) or [event.envelope.project_id]
    return [{**_person(event), "occurred_on": on, "project_id": project} for project in projects]


@maps("intake.beneficiary_corrected")
def _corrected(event: Event[EventPayload]) -> dict[str, Any]:
    """A correction is a new version of the person's attributes: only those it changed are set."""
    changed = event.payload.changed_attributes() if hasattr(event.payload, "changed_attributes") else {}
    columns = {k: getattr(v, "value", v) for k, v in changed.items() if k in ("sex", "age_band", "legal_status")}
    if (value := payload_value(event, "citizenship")) is not None:
        columns["citizenship"] = value
    if (value := payload_value(event, "area")) is not None:
        columns["province"] = value
    if (value := payload_value(event, "women_inactive")) is not None:
        columns["women_inactive"] = yes_no(value)
    return {**columns, "occurred_on": payload_value(event, "corrected_on")}


@maps("intake.beneficiary_enrolled_in_project")
def _enrolled(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "enrolled_on"), "project_id": payload_value(event, "project_id")}


@maps("intake.beneficiary_erased")
def _erased(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "erased_on")}


@maps("intake.path_status_changed")
def _status(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "changed_on"), "kind": payload_value(event, "to_status"),
            "category": payload_value(event, "reason_category")}


@maps("intake.plan_agreed")
def _plan(event: Event[EventPayload]) -> dict[str, Any]:
    goals = len(getattr(event.payload, "goals", ()))
    return {"occurred_on": payload_value(event, "agreed_on"), "quantity": decimal_or_none(goals)}


@maps("intake.goals_added")
def _goals_added(event: Event[EventPayload]) -> dict[str, Any]:
    """Goals added to a plan already agreed count as goals (`quantity`), as a plan's own; never as a plan."""
    goals = len(getattr(event.payload, "goals", ()))
    return {"occurred_on": payload_value(event, "added_on"), "quantity": decimal_or_none(goals)}


@maps("intake.goal_outcome_recorded")
def _goal(event: Event[EventPayload]) -> dict[str, Any]:
    """`category` says whether a met goal was met by its deadline: the plan's 'on time'."""
    outcome = payload_value(event, "outcome")
    on, deadline = payload_value(event, "recorded_on"), payload_value(event, "deadline")
    if outcome == "met":
        outcome = "met_on_time" if on <= deadline else "met_late"
    return {"occurred_on": on, "kind": payload_value(event, "area"), "category": outcome,
            "record_id": payload_value(event, "goal_id")}


@maps("intake.assessment_recorded")
def _assessment(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "assessed_on")}


def _intervention(event: Event[EventPayload]) -> dict[str, Any]:
    return {
        "occurred_on": payload_value(event, "date"), "kind": payload_value(event, "kind"),
        "project_id": payload_value(event, "project_id"), "amount": decimal_or_none(payload_value(event, "cost_eur")),
        "quantity": decimal_or_none(payload_value(event, "hours")),
        "record_id": payload_value(event, "intervention_id"),
    }


@maps("intake.intervention_recorded")
def _intervention_recorded(event: Event[EventPayload]) -> dict[str, Any]:
    return _intervention(event)


@maps("intake.intervention_corrected")
def _intervention_corrected(event: Event[EventPayload]) -> dict[str, Any]:
    """The corrected record replaces the old one in every count recorded after it."""
    return {**_intervention(event), "supersedes": payload_value(event, "corrected_intervention_id")}


@maps("intake.course_enrolled")
def _course_enrolled(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "enrolled_on"), "kind": payload_value(event, "kind"),
            "category": "enrolled", "project_id": payload_value(event, "project_id"),
            "quantity": decimal_or_none(payload_value(event, "hours")), "record_id": payload_value(event, "course_id")}


@maps("intake.course_completed")
def _course_completed(event: Event[EventPayload]) -> dict[str, Any]:
    """`quantity` is the CEFR levels gained (0 for a course that is not an Italian one)."""
    return {"occurred_on": payload_value(event, "completed_on"), "kind": payload_value(event, "kind"),
            "project_id": payload_value(event, "project_id"), "category": payload_value(event, "level_reached"),
            "quantity": decimal_or_none(payload_value(event, "levels_gained") or 0),
            "record_id": payload_value(event, "course_id")}


@maps("housing.candidate_waiting")
def _housing_waiting(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "since")}


@maps("employment.candidate_waiting")
def _employment_waiting(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "since")}
