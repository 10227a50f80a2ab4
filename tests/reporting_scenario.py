"""Events for reporting's tests, each recorded at a chosen time, so as-of dates can be checked by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from shared.events.codec import envelope_for
from shared.events.contracts import (
    BeneficiaryCorrected,
    BeneficiaryEnrolledInProject,
    BeneficiaryErased,
    BeneficiaryRegistered,
    CourseCompleted,
    CourseEnrolled,
    GoalOutcomeRecorded,
    InterventionCorrected,
    InterventionRecorded,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.envelope import Event, EventPayload


def at(day: str) -> datetime:
    """Noon UTC of a day: when an event was recorded."""
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


@dataclass
class Scenario:
    events: list[Event] = field(default_factory=list)
    orgs: dict[UUID, str] = field(default_factory=dict)

    def _add(self, payload: EventPayload, person: UUID, recorded: str, project: str | None = None) -> Event:
        envelope = envelope_for(payload, beneficiary_id=person, organisation_id=self.orgs[person], producer="intake",
                                project_id=project)
        envelope = envelope.model_copy(update={"recorded_at": at(recorded), "occurred_at": at(recorded)})
        event = Event(envelope, type(payload).model_validate(envelope.payload))
        self.events.append(event)
        return event

    def person(self, org: str, *, sex: str = "F", age: str = "25_34", status: str = "refugee", on: str = "2025-03-01",
               recorded: str | None = None, projects: tuple[str, ...] = ("P1",), province: str = "RM") -> UUID:
        person = uuid4()
        self.orgs[person] = org
        self._add(BeneficiaryRegistered(
            registered_on=date.fromisoformat(on), sex=sex, age_band=age, legal_status=status, household_size=1,
            area=province, project_ids=list(projects), reception="sai"), person, recorded or on, projects[0])
        return person

    def intervention(self, person: UUID, kind: str, on: str, *, recorded: str | None = None, hours: str | None = None,
                     cost: str | None = None, project: str = "P1") -> UUID:
        iid = uuid4()
        self._add(InterventionRecorded(intervention_id=iid, kind=kind, date=date.fromisoformat(on),
                                       duration_minutes=60, hours=hours, project_id=project, cost_eur=cost),
                  person, recorded or on, project)
        return iid

    def correct_intervention(self, person: UUID, old: UUID, kind: str, on: str, *, recorded: str,
                             hours: str | None = None, cost: str | None = None, project: str = "P1") -> UUID:
        iid = uuid4()
        self._add(InterventionCorrected(intervention_id=iid, corrected_intervention_id=old, kind=kind,
                                        date=date.fromisoformat(on), duration_minutes=60, hours=hours,
                                        project_id=project, cost_eur=cost), person, recorded, project)
        return iid

    def enrol(self, person: UUID, kind: str, on: str, *, project: str = "P1", course: UUID | None = None) -> UUID:
        course = course or uuid4()
        self._add(CourseEnrolled(course_id=course, kind=kind, project_id=project, enrolled_on=date.fromisoformat(on),
                                 start_date=date.fromisoformat(on), end_date=date.fromisoformat(on), hours="40"),
                  person, on, project)
        return course

    def complete(self, person: UUID, course: UUID, kind: str, on: str, *, gained: int | None = None,
                 project: str = "P1") -> None:
        levels = {"level_before": "A1", "level_reached": "A2", "levels_gained": gained} if gained is not None else {}
        self._add(CourseCompleted(course_id=course, kind=kind, project_id=project, completed_on=date.fromisoformat(on),
                                  hours="40", **levels), person, on, project)

    def status(self, person: UUID, to: str, reason: str, on: str, *, came_from: str = "in_progress") -> None:
        self._add(PathStatusChanged(from_status=came_from, to_status=to, reason_category=reason,
                                    changed_on=date.fromisoformat(on)), person, on)

    def plan(self, person: UUID, on: str, goals: int = 2) -> list[UUID]:
        ids = [uuid4() for _ in range(goals)]
        self._add(PlanAgreed(agreed_on=date.fromisoformat(on), goals=[
            {"goal_id": g, "area": "work", "deadline": "2025-09-30"} for g in ids]), person, on)
        return ids

    def goal(self, person: UUID, goal: UUID, outcome: str, on: str, deadline: str = "2025-09-30") -> None:
        self._add(GoalOutcomeRecorded(goal_id=goal, area="work", outcome=outcome, recorded_on=date.fromisoformat(on),
                                      deadline=date.fromisoformat(deadline)), person, on)

    def correct_person(self, person: UUID, on: str, **changed: str) -> None:
        self._add(BeneficiaryCorrected(corrected_on=date.fromisoformat(on), corrected_fields=list(
            {"age_band": "birth_date"}.get(k, k) for k in changed), **changed), person, on)

    def enrol_project(self, person: UUID, project: str, on: str) -> None:
        self._add(BeneficiaryEnrolledInProject(project_id=project, enrolled_on=date.fromisoformat(on)), person, on,
                  project)

    def erase(self, person: UUID, on: str) -> None:
        self._add(BeneficiaryErased(erased_on=date.fromisoformat(on)), person, on)
