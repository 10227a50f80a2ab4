"""In-memory twins of intake's repositories and unit of work, for service-layer unit tests without
servers (the caseload's twins are in adapters/memory_caseload.py). Each twin keeps the same names and
parameters as the PostgreSQL repository it stands for
(adapters/unit_of_work.py) and answers with the same row shapes (dicts with the columns' names);
tests/intake_repository_contract.py runs one suite against both, so they cannot drift. Every
repository of intake's unit of work has its twin."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from intake.adapters.memory_caseload import (
    InMemoryAudit,
    InMemoryCaseload,
    InMemoryConsents,
    record_registration_consent,
)
from intake.adapters.repository import NewBeneficiary, PersonColumns
from intake.adapters.repository_activities import NewCourse, NewIntervention
from intake.adapters.repository_corrections import NewCorrection
from intake.adapters.repository_path import NewAssessment, NewGoal
from intake.adapters.repository_projects import NewProject, ProjectCodeTaken
from intake.domain.duplicates import ExistingKeys
from shared import outbox
from shared.topics import INTAKE_EVENTS
from shared.uow import InMemoryUnitOfWork

Row = dict[str, Any]
CENTS = Decimal("0.01")
_LIST_COLUMNS = (
    "beneficiary_id", "sex", "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry",
    "household_size", "children", "single_parent", "italian_level", "languages", "vulnerabilities",
    "consent_date", "consent_scope", "project_ids", "path_status", "registered_on", "erased_at", "personal",
    "wrapped_key",
    "taken_in_charge_on", "area", "municipality", "accepted_areas", "step_free_need", "work_status",
    "permit_renewal_pending",
)


class Tables:
    """The rows of every twin, in one object so a unit of work can snapshot and restore them whole."""

    def __init__(self) -> None:
        self.beneficiaries: dict[UUID, Row] = {}
        self.person_keys: dict[UUID, bytes] = {}
        self.pii_access_log: list[Row] = []
        self.erasures: list[Row] = []
        self.projects: list[Row] = []
        self.assessments: list[Row] = []
        self.plans: dict[UUID, Row] = {}
        self.goals: dict[UUID, Row] = {}
        self.goal_history: list[Row] = []
        self.path_transitions: list[Row] = []
        self.corrections: list[Row] = []
        self.interventions: list[Row] = []
        self.courses: dict[UUID, Row] = {}
        self.course_enrolments: dict[tuple[UUID, UUID], Row] = {}
        self.course_completions: dict[tuple[UUID, UUID], Row] = {}
        self.registration_versions: list[Row] = []
        self.consents: list[Row] = []
        self.outbox: list[outbox.OutboxRecord] = []  # what an import writes in bulk (caseload.events)
        self.seq = itertools.count(1)


class InMemoryProjects:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def insert(self, p: NewProject) -> None:
        if any((r["lead_organisation_id"], r["code"]) == (p.lead_organisation_id, p.code) for r in self._t.projects):
            raise ProjectCodeTaken(p.code)
        row = asdict(p)
        # numeric(14, 2), read back as text: always two decimal places
        row["budget"] = [{"work_package": wp, "amount_eur": str(amount.quantize(CENTS))}
                         for wp, amount in sorted(p.budget)]
        self._t.projects.append(row)

    def _visible(self, organisation_id: str) -> list[Row]:
        return [r for r in self._t.projects
                if r["lead_organisation_id"] == organisation_id or organisation_id in r["partners"]]

    async def visible_to(self, *, organisation_id: str) -> list[Row]:
        rows = sorted(self._visible(organisation_id), key=lambda r: r["code"])
        return sorted(rows, key=lambda r: r["start_date"], reverse=True)

    async def not_visible(self, *, organisation_id: str, codes: list[str]) -> list[str]:
        known = {r["code"] for r in self._visible(organisation_id)}
        return [c for c in codes if c not in known]

    async def period_of(self, *, organisation_id: str, code: str) -> Row | None:
        rows = [r for r in self._visible(organisation_id) if r["code"] == code]
        rows.sort(key=lambda r: (r["lead_organisation_id"] != organisation_id, r["start_date"]))
        return {"start_date": rows[0]["start_date"], "end_date": rows[0]["end_date"]} if rows else None


class InMemoryPeople:
    def __init__(self, tables: Tables, projects: InMemoryProjects) -> None:
        self._t = tables
        self._projects = projects

    async def lock_identity(self, *indexes: bytes | None) -> None:
        return None  # one task at a time in a unit test: nothing to wait for

    async def lock_identity_and_find_unknown_projects(
        self, *indexes: bytes | None, organisation_id: str, project_codes: Sequence[str]
    ) -> list[str]:
        return await self._projects.not_visible(organisation_id=organisation_id, codes=list(project_codes))

    async def find_duplicates(
        self, *, organisation_id: str, fiscal_code_index: bytes | None, match_key_index: bytes | None,
        other_than: UUID | None = None,
    ) -> list[ExistingKeys]:
        return [
            ExistingKeys(r["beneficiary_id"], r["fiscal_code_index"], r["match_key_index"])
            for r in self._t.beneficiaries.values()
            if r["organisation_id"] == organisation_id and r["erased_at"] is None and r["beneficiary_id"] != other_than
            and ((fiscal_code_index is not None and r["fiscal_code_index"] == fiscal_code_index)
                 or (match_key_index is not None and r["match_key_index"] == match_key_index))
        ]

    async def insert(self, b: NewBeneficiary, events: Sequence[outbox.OutboxRecord]) -> None:
        """The person and their key; `events` were taken from the unit of work, which keeps their envelopes."""
        if b.beneficiary_id in self._t.beneficiaries:
            raise ValueError(f"beneficiary {b.beneficiary_id} exists")
        row = asdict(b)
        self._t.person_keys[b.beneficiary_id] = row.pop("wrapped_key")
        row |= {"path_status": "taken_in_charge", "erased_at": None, "created_at": datetime.now(UTC),
                "created_seq": next(self._t.seq)}
        self._t.beneficiaries[b.beneficiary_id] = row
        record_registration_consent(self._t, row)

    def _with_key(self, row: Row) -> Row:
        return {**row, "wrapped_key": self._t.person_keys.get(row["beneficiary_id"])}

    async def list_page(
        self, *, organisation_id: str, limit: int, offset: int, fiscal_code_index: bytes | None = None,
        name_indexes: Sequence[bytes] = (), status: str | None = None, project_id: str | None = None,
        operator: str | None = None, due_by: date | None = None, closed_statuses: Sequence[str] = (),
    ) -> tuple[int, list[Row]]:
        def goals_of(r: Row) -> list[Row]:
            return [g for g in self._t.goals.values() if g["beneficiary_id"] == r["beneficiary_id"]]

        def due(r: Row) -> bool:
            assert due_by is not None
            return (r["erased_at"] is None and r["path_status"] not in closed_statuses and (
                (r["must_leave_by"] is not None and r["must_leave_by"] <= due_by)
                or (r["permit_expiry"] is not None and r["permit_expiry"] <= due_by
                    and not r["permit_renewal_pending"])
                or any(g["status"] in ("open", "replanned") and g["deadline"] <= due_by for g in goals_of(r))))

        rows = [
            r for r in self._t.beneficiaries.values()
            if r["organisation_id"] == organisation_id
            and (fiscal_code_index is None or r["fiscal_code_index"] == fiscal_code_index)
            and set(name_indexes) <= set(r["name_index"])
            and (status is None or r["path_status"] == status)
            and (project_id is None or project_id in r["project_ids"])
            and (operator is None or r["registered_by"] == operator
                 or any(g["responsible_operator"] == operator for g in goals_of(r)))
            and (due_by is None or due(r))
        ]
        rows.sort(key=lambda r: r["created_seq"], reverse=True)
        page = rows[offset:offset + limit]
        return len(rows), [{k: self._with_key(r)[k] for k in _LIST_COLUMNS} for r in page]

    async def get(self, *, organisation_id: str, beneficiary_id: UUID) -> Row | None:
        row = self._t.beneficiaries.get(beneficiary_id)
        if row is None or row["organisation_id"] != organisation_id:
            return None
        return {k: self._with_key(row)[k] for k in _LIST_COLUMNS}

    async def lock(self, *, organisation_id: str, beneficiary_id: UUID) -> Row | None:
        row = self._t.beneficiaries.get(beneficiary_id)
        if row is None or row["organisation_id"] != organisation_id:
            return None
        return self._with_key(row)

    async def log_access(
        self, *, actor: str, actor_role: str, organisation_id: str, beneficiary_ids: Sequence[UUID | None],
        action: str, purpose: str,
    ) -> None:
        at = datetime.now(UTC)
        self._t.pii_access_log += [
            {"id": next(self._t.seq), "at": at, "actor": actor, "actor_role": actor_role,
             "organisation_id": organisation_id, "beneficiary_id": b, "action": action, "purpose": purpose}
            for b in beneficiary_ids
        ]

    async def set_path_status(self, *, beneficiary_id: UUID, status: str) -> None:
        self._t.beneficiaries[beneficiary_id]["path_status"] = status

    async def set_projects(self, *, beneficiary_id: UUID, project_ids: list[str]) -> None:
        self._t.beneficiaries[beneficiary_id]["project_ids"] = list(project_ids)

    async def set_italian_level(self, *, beneficiary_id: UUID, level: str) -> None:
        self._t.beneficiaries[beneficiary_id]["italian_level"] = level

    async def erase(self, *, beneficiary_id: UUID) -> None:
        self._t.person_keys.pop(beneficiary_id, None)
        self._t.beneficiaries[beneficiary_id] |= {
            "personal": None, "fiscal_code_index": None, "match_key_index": None, "name_index": [],
            "vulnerabilities": [], "erased_at": datetime.now(UTC),
        }

    async def log_erasure(self, *, beneficiary_id: UUID, organisation_id: str, reason: str, erased_by: str) -> None:
        self._t.erasures.append({"beneficiary_id": beneficiary_id, "organisation_id": organisation_id,
                                 "reason": reason, "erased_by": erased_by})

    async def update_registration(self, c: PersonColumns) -> None:
        self._t.beneficiaries[c.beneficiary_id] |= asdict(c)


class InMemoryPath:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def insert_assessment(self, a: NewAssessment) -> None:
        self._t.assessments.append({**asdict(a), "created_seq": next(self._t.seq)})

    async def assessments_of(self, *, beneficiary_id: UUID) -> list[Row]:
        rows = [a for a in self._t.assessments if a["beneficiary_id"] == beneficiary_id]
        rows.sort(key=lambda a: a["assessment_id"])
        rows.sort(key=lambda a: (a["assessed_on"], a["created_seq"]), reverse=True)
        return [{k: v for k, v in a.items() if k not in ("beneficiary_id", "organisation_id", "created_seq")}
                for a in rows]

    async def insert_plan(
        self, *, beneficiary_id: UUID, organisation_id: str, agreed_on: date, agreed_by: str, goals: list[NewGoal],
    ) -> None:
        if beneficiary_id in self._t.plans:
            raise ValueError(f"beneficiary {beneficiary_id} has a plan")
        self._t.plans[beneficiary_id] = {"beneficiary_id": beneficiary_id, "organisation_id": organisation_id,
                                         "agreed_on": agreed_on, "agreed_by": agreed_by}
        await self.insert_goals(beneficiary_id=beneficiary_id, organisation_id=organisation_id, change="agreed",
                                recorded_on=agreed_on, recorded_by=agreed_by, goals=goals)

    async def insert_goals(
        self, *, beneficiary_id: UUID, organisation_id: str, change: str, recorded_on: date, recorded_by: str,
        goals: list[NewGoal],
    ) -> None:
        if beneficiary_id not in self._t.plans:  # the goals' foreign key
            raise ValueError(f"beneficiary {beneficiary_id} has no plan")
        taken = {g["position"] for g in self._t.goals.values() if g["beneficiary_id"] == beneficiary_id}
        if taken & {g.position for g in goals} or len({g.position for g in goals}) < len(goals):
            raise ValueError(f"a position of beneficiary {beneficiary_id}'s goals is taken")  # UNIQUE (.., position)
        for g in goals:
            self._t.goals[g.goal_id] = {**asdict(g), "beneficiary_id": beneficiary_id,
                                        "organisation_id": organisation_id, "status": "open", "closed_on": None}
            await self.append_goal_history(
                goal_id=g.goal_id, beneficiary_id=beneficiary_id, change=change, status="open", deadline=g.deadline,
                closed_on=None, notes=None, recorded_on=recorded_on, recorded_by=recorded_by,
            )

    async def goal_for_update(self, *, beneficiary_id: UUID, goal_id: UUID) -> Row | None:
        goal = self._t.goals.get(goal_id)
        return dict(goal) if goal is not None and goal["beneficiary_id"] == beneficiary_id else None

    async def update_goal(self, *, goal_id: UUID, status: str, deadline: date, closed_on: date | None) -> None:
        self._t.goals[goal_id] |= {"status": status, "deadline": deadline, "closed_on": closed_on}

    async def append_goal_history(
        self, *, goal_id: UUID, beneficiary_id: UUID, change: str, status: str, deadline: date,
        closed_on: date | None, notes: bytes | None, recorded_on: date, recorded_by: str,
    ) -> None:
        self._t.goal_history.append({
            "seq": next(self._t.seq), "goal_id": goal_id, "beneficiary_id": beneficiary_id, "change": change,
            "status": status, "deadline": deadline, "closed_on": closed_on, "notes": notes,
            "recorded_on": recorded_on, "recorded_by": recorded_by,
        })

    async def plan_of(self, *, beneficiary_id: UUID) -> tuple[Row | None, list[Row]]:
        plan = self._t.plans.get(beneficiary_id)
        goals = sorted((g for g in self._t.goals.values() if g["beneficiary_id"] == beneficiary_id),
                       key=lambda g: g["position"])
        return (dict(plan) if plan else None), [dict(g) for g in goals]

    async def has_plan(self, *, beneficiary_id: UUID) -> bool:
        return beneficiary_id in self._t.plans

    async def append_transition(
        self, *, beneficiary_id: UUID, from_status: str, to_status: str, reason_category: str, notes: bytes,
        changed_on: date, changed_by: str,
    ) -> None:
        self._t.path_transitions.append({
            "seq": next(self._t.seq), "beneficiary_id": beneficiary_id, "from_status": from_status,
            "to_status": to_status, "reason_category": reason_category, "notes": notes, "changed_on": changed_on,
            "changed_by": changed_by,
        })

    async def goal_history_of(self, *, beneficiary_id: UUID) -> list[Row]:
        return [dict(h) for h in self._t.goal_history if h["beneficiary_id"] == beneficiary_id]

    async def entered_status_on(self, *, beneficiary_id: UUID, status: str) -> date | None:
        moves = [t for t in self._t.path_transitions if t["beneficiary_id"] == beneficiary_id
                 and t["to_status"] == status]
        return moves[-1]["changed_on"] if moves else None


class InMemoryActivities:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def insert_intervention(self, i: NewIntervention) -> None:
        self._t.interventions.append({**asdict(i), "created_seq": next(self._t.seq)})

    def _superseded_by(self, intervention_id: UUID) -> UUID | None:
        return next((i["intervention_id"] for i in self._t.interventions if i["corrects"] == intervention_id), None)

    async def interventions_of(
        self, *, beneficiary_id: UUID, limit: int, offset: int, include_superseded: bool = False
    ) -> tuple[int, list[Row]]:
        rows = [{**i, "superseded_by": self._superseded_by(i["intervention_id"])} for i in self._t.interventions
                if i["beneficiary_id"] == beneficiary_id]
        rows = [r for r in rows if include_superseded or r["superseded_by"] is None]
        rows.sort(key=lambda r: r["intervention_id"])
        rows.sort(key=lambda r: (r["on_date"], r["created_seq"]), reverse=True)
        columns = ("intervention_id", "kind", "on_date", "duration_minutes", "hours", "operator_id", "project_id",
                   "cost_eur", "course_id", "corrects", "superseded_by")
        return len(rows), [{k: r[k] for k in columns} for r in rows[offset:offset + limit]]

    async def intervention(self, *, beneficiary_id: UUID, intervention_id: UUID) -> Row | None:
        found = next((i for i in self._t.interventions if i["intervention_id"] == intervention_id
                      and i["beneficiary_id"] == beneficiary_id), None)
        if found is None:
            return None
        row = {k: v for k, v in found.items() if k != "created_seq"}
        return row | {"superseded_by": self._superseded_by(intervention_id)}

    async def current_of(self, *, intervention_id: UUID) -> UUID:
        current = intervention_id
        while (later := self._superseded_by(current)) is not None:
            current = later
        return current

    async def insert_course(self, c: NewCourse) -> None:
        if c.course_id in self._t.courses:
            raise ValueError(f"course {c.course_id} exists")
        self._t.courses[c.course_id] = asdict(c)

    async def course(self, *, organisation_id: str, course_id: UUID) -> Row | None:
        found = self._t.courses.get(course_id)
        return dict(found) if found is not None and found["organisation_id"] == organisation_id else None

    async def enrol(self, *, course_id: UUID, beneficiary_id: UUID, enrolled_on: date, enrolled_by: str) -> bool:
        if (course_id, beneficiary_id) in self._t.course_enrolments:
            return False
        self._t.course_enrolments[(course_id, beneficiary_id)] = {"enrolled_on": enrolled_on,
                                                                  "enrolled_by": enrolled_by}
        return True

    async def enrolled_on(self, *, course_id: UUID, beneficiary_id: UUID) -> date | None:
        found = self._t.course_enrolments.get((course_id, beneficiary_id))
        return None if found is None else found["enrolled_on"]

    async def complete(
        self, *, course_id: UUID, beneficiary_id: UUID, completed_on: date, level_before: str | None,
        level_reached: str | None, recorded_by: str,
    ) -> bool:
        if (course_id, beneficiary_id) in self._t.course_completions:
            return False
        self._t.course_completions[(course_id, beneficiary_id)] = {
            "completed_on": completed_on, "level_before": level_before, "level_reached": level_reached,
            "recorded_by": recorded_by}
        return True


class InMemoryCorrections:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def append(self, c: NewCorrection) -> int:
        seq = next(self._t.seq)
        self._t.corrections.append({**asdict(c), "seq": seq})
        return seq

    async def keep_superseded(self, *, beneficiary_id: UUID, correction_seq: int, registration: bytes) -> None:
        self._t.registration_versions.append({"seq": next(self._t.seq), "beneficiary_id": beneficiary_id,
                                              "correction_seq": correction_seq, "registration": registration,
                                              "superseded_at": datetime.now(UTC)})


class InMemoryIntakeUnitOfWork(InMemoryUnitOfWork):
    """Intake's unit of work over `Tables` kept across units (as a database outlives transactions);
    a rolled-back unit puts every table back as it was."""

    def __init__(self, tables: Tables | None = None) -> None:
        super().__init__(topic=INTAKE_EVENTS.name, producer="intake")
        self.tables = tables or Tables()
        self._bind()

    def _bind(self) -> None:
        self.projects = InMemoryProjects(self.tables)
        self.people = InMemoryPeople(self.tables, self.projects)
        self.path = InMemoryPath(self.tables)
        self.corrections = InMemoryCorrections(self.tables)
        self.activities = InMemoryActivities(self.tables)
        self.caseload = InMemoryCaseload(self.tables)
        self.consents = InMemoryConsents(self.tables)
        self.audit = InMemoryAudit(self.tables)

    def _snapshot(self) -> object:
        return copy.deepcopy(self.tables)

    def _restore(self, saved: object) -> None:
        """In place: every unit of work sharing these tables sees the rollback, as on a database."""
        assert isinstance(saved, Tables)
        self.tables.__dict__.update(saved.__dict__)
