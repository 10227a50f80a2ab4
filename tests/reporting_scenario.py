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
    GoalsAdded,
    InterventionCorrected,
    InterventionRecorded,
    PathStatusChanged,
    PlanAgreed,
)
from shared.events.contracts.consent import ConsentWithdrawn
from shared.events.contracts.employment import (
    EmploymentHired,
    EmploymentPaymentMade,
    EmploymentProposalMade,
    EmploymentStageChanged,
    QualificationRecognitionChanged,
    SkillsCertified,
)
from shared.events.contracts.housing import (
    HousingMovedIn,
    HousingMovedOut,
    HousingProposalMade,
    HousingProposalStatusChanged,
    HousingSupportChanged,
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
        producer = payload.event_type.split(".")[0]
        envelope = envelope_for(payload, beneficiary_id=person, organisation_id=self.orgs[person], producer=producer,
                                project_id=project)
        envelope = envelope.model_copy(update={"recorded_at": at(recorded), "occurred_at": at(recorded)})
        event = Event(envelope, type(payload).model_validate(envelope.payload))
        self.events.append(event)
        return event

    def person(self, org: str, *, sex: str = "F", age: str = "25_34", status: str = "refugee", on: str = "2025-03-01",
               recorded: str | None = None, projects: tuple[str, ...] = ("P1",), province: str = "RM",
               citizenship: str | None = None, inactive: bool | None = None) -> UUID:
        person = uuid4()
        self.orgs[person] = org
        self._add(BeneficiaryRegistered(
            registered_on=date.fromisoformat(on), sex=sex, age_band=age, legal_status=status, household_size=1,
            area=province, project_ids=list(projects), reception="sai", citizenship=citizenship,
            women_inactive=inactive), person, recorded or on, projects[0])
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

    def goals_added(self, person: UUID, on: str, areas: tuple[str, ...] = ("housing",)) -> list[UUID]:
        ids = [uuid4() for _ in areas]
        self._add(GoalsAdded(added_on=date.fromisoformat(on), goals=[
            {"goal_id": g, "area": a, "deadline": "2025-12-31"} for g, a in zip(ids, areas, strict=True)]), person, on)
        return ids

    def goal(self, person: UUID, goal: UUID, outcome: str, on: str, deadline: str = "2025-09-30") -> None:
        self._add(GoalOutcomeRecorded(goal_id=goal, area="work", outcome=outcome, recorded_on=date.fromisoformat(on),
                                      deadline=date.fromisoformat(deadline)), person, on)

    def correct_person(self, person: UUID, on: str, **changed: str | bool) -> None:
        self._add(BeneficiaryCorrected(corrected_on=date.fromisoformat(on), corrected_fields=list(dict.fromkeys(
            {"age_band": "birth_date", "women_inactive": "work_status"}.get(k, k) for k in changed)), **changed),
            person, on)

    def enrol_project(self, person: UUID, project: str, on: str) -> None:
        self._add(BeneficiaryEnrolledInProject(project_id=project, enrolled_on=date.fromisoformat(on)), person, on,
                  project)

    def erase(self, person: UUID, on: str) -> None:
        self._add(BeneficiaryErased(erased_on=date.fromisoformat(on)), person, on)

    # --- housing -------------------------------------------------------------------------------
    def housing_proposal(self, person: UUID, kind: str, on: str) -> UUID:
        proposal = uuid4()
        self._add(HousingProposalMade(proposal_id=proposal, place_id=uuid4(), place_kind=kind, household_size=1,
                                      score=0.8, made_on=date.fromisoformat(on)), person, on)
        return proposal

    def housing_step(self, person: UUID, proposal: UUID, kind: str, came: str, to: str, on: str,
                     actor: str = "team", reason: str | None = None) -> None:
        self._add(HousingProposalStatusChanged(proposal_id=proposal, place_kind=kind, from_status=came, to_status=to,
                                               actor=actor, changed_on=date.fromisoformat(on), decline_reason=reason),
                  person, on)

    def moved_in(self, person: UUID, proposal: UUID, kind: str, on: str) -> None:
        self._add(HousingMovedIn(proposal_id=proposal, place_id=uuid4(), place_kind=kind,
                                 moved_in_on=date.fromisoformat(on)), person, on)

    def moved_out(self, person: UUID, proposal: UUID, kind: str, on: str, *, autonomous: bool) -> None:
        self._add(HousingMovedOut(proposal_id=proposal, place_id=uuid4(), place_kind=kind,
                                  moved_out_on=date.fromisoformat(on), reason="autonomy_reached",
                                  housing_goal_closed=True, autonomous_housing=autonomous), person, on)

    def support(self, person: UUID, kind: str, status: str, amount: str, on: str, *, support: UUID | None = None,
                months: int | None = None, project: str = "P1") -> UUID:
        support = support or uuid4()
        self._add(HousingSupportChanged(support_id=support, kind=kind, status=status, fund_id=uuid4(),
                                        project_id=project, amount_eur=amount, months=months,
                                        changed_on=date.fromisoformat(on)), person, on, project)
        return support

    # --- employment ----------------------------------------------------------------------------
    def work_proposal(self, person: UUID, kind: str, sector: str, on: str) -> tuple[UUID, UUID]:
        proposal, opening = uuid4(), uuid4()
        self._add(EmploymentProposalMade(proposal_id=proposal, opening_id=opening, opening_kind=kind, sector=sector,
                                         score=0.7, made_on=date.fromisoformat(on)), person, on)
        return proposal, opening

    def stage(self, person: UUID, proposal: tuple[UUID, UUID], kind: str, sector: str, came: str, to: str,
              on: str, reason: str | None = None) -> None:
        self._add(EmploymentStageChanged(proposal_id=proposal[0], opening_id=proposal[1], opening_kind=kind,
                                         sector=sector, from_stage=came, to_stage=to,
                                         changed_on=date.fromisoformat(on), reason=reason), person, on)

    def hired(self, person: UUID, contract: str, sector: str, on: str) -> None:
        self._add(EmploymentHired(contract_type=contract, sector=sector, hired_on=date.fromisoformat(on)), person, on)

    def recognition(self, person: UUID, status: str, on: str, recognition: UUID | None = None) -> UUID:
        recognition = recognition or uuid4()
        self._add(QualificationRecognitionChanged(recognition_id=recognition, status=status,
                                                  changed_on=date.fromisoformat(on), level="secondary"), person, on)
        return recognition

    def certified(self, person: UUID, result: str, sector: str, on: str) -> None:
        self._add(SkillsCertified(certification_id=uuid4(), sector=sector, result=result,
                                  certified_on=date.fromisoformat(on)), person, on)

    def payment(self, person: UUID, kind: str, amount: str, on: str, project: str = "P1") -> None:
        self._add(EmploymentPaymentMade(payment_id=uuid4(), kind=kind, opening_id=uuid4(), fund_id=uuid4(),
                                        project_id=project, month=on[:7], amount_eur=amount,
                                        paid_on=date.fromisoformat(on)), person, on, project)

    def withdraw_consent(self, person: UUID, purpose: str, on: str) -> None:
        self._add(ConsentWithdrawn(purpose=purpose, withdrawn_on=date.fromisoformat(on)), person, on)
