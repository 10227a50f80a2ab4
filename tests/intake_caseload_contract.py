"""One contract for intake's caseload repositories (the import's `caseload`, consent by purpose's
`consents`, the audit log's `audit`): the in-memory twins (tests/unit) and the PostgreSQL adapters
(tests/integration) run these same tests through their unit of work, so the twins answer as the SQL
does, including what the database does by itself (the consent rows a person's insert records, the
latest row per purpose, numerics read back with their scale, newest-first audit pages)."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from intake.adapters.repository_activities import NewCourse, NewIntervention
from intake.adapters.repository_caseload import BENEFICIARY_COLUMNS
from intake.adapters.repository_consent import ConsentRow
from intake.adapters.repository_path import NewGoal
from tests.intake_repository_contract import TODAY, new_person, new_project

CONSENT_COLUMNS = {"purpose", "action", "cause", "legal_basis", "notice_version", "given_by", "on_date",
                   "expires_on", "recorded_by", "recorded_at"}


def person_tuple(org: str, *, reference: bytes, fiscal: bytes | None = None, match: bytes | None = None,
                 scope: tuple[str, ...] = ("processing",), expires_on: date | None = None,
                 project: str = "P-1") -> tuple[UUID, tuple, tuple]:
    """A person as an import stores them: (id, row in BENEFICIARY_COLUMNS order, key row)."""
    p = new_person(org, fiscal=fiscal, match=match, project=project)
    row = asdict(p) | {"consent_scope": list(scope), "reference_index": reference, "taken_in_charge_on": TODAY,
                       "consent_expires_on": expires_on, "consent_given_by": "person"}
    return p.beneficiary_id, tuple(row[c] for c in BENEFICIARY_COLUMNS), (p.beneficiary_id, p.wrapped_key)


class IntakeCaseloadContract:
    @pytest.fixture
    def org(self) -> str:
        return f"org-{uuid4().hex[:8]}"

    async def copy(self, uow, *people: tuple[UUID, tuple, tuple]) -> list[UUID]:
        async with uow:
            await uow.caseload.copy_people([p[1] for p in people], [p[2] for p in people])
        return [p[0] for p in people]

    async def test_copied_people_read_back_by_reference_and_their_consent_is_recorded(self, uow, org):
        ref_a, ref_b = os.urandom(32), os.urandom(32)
        a, b = await self.copy(uow, person_tuple(org, reference=ref_a, scope=("employment_referral", "processing")),
                               person_tuple(org, reference=ref_b))
        async with uow:
            got = await uow.people.get(organisation_id=org, beneficiary_id=a)
            known = await uow.caseload.known_references(organisation_id=org, indexes=[ref_a, ref_b, b"none"])
            elsewhere = await uow.caseload.known_references(organisation_id="another", indexes=[ref_a])
            locked = await uow.caseload.people_by_reference(organisation_id=org, indexes=[ref_a])
            consents = await uow.consents.current(beneficiary_id=a)
        assert got is not None and got["path_status"] == "taken_in_charge" and got["taken_in_charge_on"] == TODAY
        assert {k: (v["beneficiary_id"], v["erased_at"]) for k, v in known.items()} == {
            ref_a: (a, None), ref_b: (b, None)}
        assert elsewhere == {}
        person = locked[ref_a]
        assert (person["beneficiary_id"], list(person["project_ids"]), person["italian_level"],
                person["erased_at"]) == (a, ["P-1"], "A1", None)
        assert [(c["purpose"], c["action"], c["legal_basis"], c["given_by"], c["on_date"]) for c in consents] == [
            ("employment_referral", "given", "consent", "person", TODAY), ("processing", "given", "consent", "person",
                                                                          TODAY)]
        assert CONSENT_COLUMNS <= set(consents[0].keys())

    async def test_a_registered_persons_consent_is_recorded_as_an_imported_ones(self, uow, org):
        person = new_person(org)
        async with uow:
            await uow.people.insert(person, uow.take_pending())
        async with uow:
            rows = await uow.consents.current(beneficiary_id=person.beneficiary_id)
        assert [(c["purpose"], c["action"], c["recorded_by"]) for c in rows] == [("processing", "given", "op-1")]

    async def test_duplicates_of_many_by_either_key_in_the_organisation_not_erased(self, uow, org):
        fiscal, match, other = os.urandom(32), os.urandom(32), os.urandom(32)
        a, b, c = await self.copy(uow, person_tuple(org, reference=os.urandom(8), fiscal=fiscal),
                                  person_tuple(org, reference=os.urandom(8), match=match),
                                  person_tuple(org, reference=os.urandom(8), match=other))
        await self.copy(uow, person_tuple("another", reference=os.urandom(8), fiscal=fiscal))
        async with uow:
            await uow.people.erase(beneficiary_id=c)
            found = await uow.caseload.duplicates_of_many(organisation_id=org, fiscal_code_indexes=[fiscal],
                                                          match_key_indexes=[match, other])
        assert sorted((r["beneficiary_id"], r["fiscal_code_index"]) for r in found) == sorted(
            [(a, fiscal), (b, None)])

    async def test_project_starts_prefer_the_organisations_own_project(self, uow, org):
        async with uow:
            await uow.projects.insert(new_project("lead-x", "SHARED", partners=[org], start=TODAY - timedelta(days=9)))
            await uow.projects.insert(new_project(org, "SHARED", start=TODAY - timedelta(days=3)))
            await uow.projects.insert(new_project(org, "MINE", start=TODAY - timedelta(days=1)))
            starts = await uow.caseload.project_starts(organisation_id=org, codes=["SHARED", "MINE", "NONE"])
        assert starts == {"SHARED": TODAY - timedelta(days=3), "MINE": TODAY - timedelta(days=1)}

    async def test_a_failed_import_leaves_no_person_nor_consent(self, uow, org):
        ref = os.urandom(32)
        pid, row, key = person_tuple(org, reference=ref)
        with pytest.raises(RuntimeError):
            async with uow:
                await uow.caseload.copy_people([row], [key])
                raise RuntimeError("a later row refused")
        async with uow:
            assert await uow.caseload.known_references(organisation_id=org, indexes=[ref]) == {}
            assert await uow.consents.current(beneficiary_id=pid) == []

    async def test_imported_interventions_and_courses_are_found_by_their_reference(self, uow, org):
        (person,) = await self.copy(uow, person_tuple(org, reference=os.urandom(32)))
        ref, course_ref = os.urandom(32), os.urandom(32)
        course = NewCourse(course_id=uuid4(), organisation_id=org, kind="italian_course", title="A2", project_id="P-1",
                           start_date=TODAY, end_date=TODAY + timedelta(days=60), hours=Decimal("40"),
                           created_by="admin")
        record = NewIntervention(
            intervention_id=uuid4(), beneficiary_id=person, organisation_id=org, kind="intercultural_mediation",
            on_date=TODAY, duration_minutes=90, hours=Decimal("1.5"), operator_id="op-1", project_id="P-1",
            cost_eur=Decimal("30"), course_id=None, recorded_by="op-1")
        async with uow:
            await uow.caseload.insert_imported_intervention(record, ref)
            await uow.activities.insert_course(course)
            assert await uow.caseload.course_by_reference(organisation_id=org, index=course_ref) is None
            await uow.caseload.set_course_reference(course_id=course.course_id, index=course_ref)
        async with uow:
            known = await uow.caseload.known_intervention_references(organisation_id=org, indexes=[ref, b"x"])
            found = await uow.caseload.course_by_reference(organisation_id=org, index=course_ref)
            other = await uow.caseload.course_by_reference(organisation_id="another", index=course_ref)
            listed = await uow.activities.interventions_of(beneficiary_id=person, limit=10, offset=0)
        assert {k: v["intervention_id"] for k, v in known.items()} == {ref: record.intervention_id}
        assert found is not None and (found["course_id"], found["title"], found["start_date"]) == (
            course.course_id, "A2", TODAY)
        assert other is None
        assert listed[0] == 1

    async def test_the_latest_row_per_purpose_is_in_force_and_the_scope_follows_it(self, uow, org):
        (person,) = await self.copy(uow, person_tuple(org, reference=os.urandom(32),
                                                      scope=("employment_referral", "processing")))
        async with uow:
            await uow.consents.append([ConsentRow(person, org, "employment_referral", "withdrawn", TODAY, "op-2",
                                                  cause="withdrawn")])
            await uow.consents.refresh_scope(beneficiary_id=person)
        async with uow:
            current = await uow.consents.current(beneficiary_id=person)
            history = await uow.consents.history(beneficiary_id=person)
            row = await uow.people.get(organisation_id=org, beneficiary_id=person)
        assert [(c["purpose"], c["action"], c["cause"]) for c in current] == [
            ("employment_referral", "withdrawn", "withdrawn"), ("processing", "given", None)]
        assert [(h["purpose"], h["action"]) for h in history][-1] == ("employment_referral", "withdrawn")
        assert len(history) == 3 and CONSENT_COLUMNS <= set(history[0].keys())
        assert list(row["consent_scope"]) == ["processing"]

    async def test_expired_consents_are_the_ones_in_force_past_their_day_of_people_not_erased(self, uow, org):
        old = TODAY - timedelta(days=2)
        due, later, erased = await self.copy(
            uow, person_tuple(org, reference=os.urandom(32), scope=("employment_referral",), expires_on=old,
                              project="P-9"),
            person_tuple(org, reference=os.urandom(32), scope=("employment_referral",), expires_on=TODAY),
            person_tuple(org, reference=os.urandom(32), scope=("employment_referral",), expires_on=old))
        async with uow:
            await uow.people.erase(beneficiary_id=erased)
            found = [d for d in await uow.consents.expired(today=TODAY, limit=10_000) if d["organisation_id"] == org]
        assert [(d["beneficiary_id"], d["purpose"], d["expires_on"], d["project_id"]) for d in found] == [
            (due, "employment_referral", old, "P-9")]
        async with uow:
            await uow.consents.append([ConsentRow(due, org, "employment_referral", "withdrawn", TODAY, "sweep",
                                                  cause="expired")])
            assert [d for d in await uow.consents.expired(today=TODAY, limit=10_000)
                    if d["organisation_id"] == org] == []
        assert later not in {d["beneficiary_id"] for d in found}

    async def test_the_audit_log_pages_newest_first_with_filters_and_each_persons_reads_oldest_first(self, uow, org):
        a, b = await self.copy(uow, person_tuple(org, reference=os.urandom(32)),
                               person_tuple(org, reference=os.urandom(32)))
        async with uow:
            for actor, person, action in (("op-1", a, "read"), ("op-2", a, "search"), ("op-1", b, "read"),
                                          ("op-1", a, "export")):
                await uow.people.log_access(actor=actor, actor_role="operator", organisation_id=org,
                                            beneficiary_ids=[person], action=action, purpose="case_management")
        async with uow:
            total, page = await uow.audit.access_page(organisation_id=org, beneficiary_id=None, actor=None, since=None,
                                                      until=None, limit=2, offset=0)
            total_a, of_a = await uow.audit.access_page(organisation_id=org, beneficiary_id=a, actor="op-1",
                                                        since=None, until=None, limit=10, offset=0)
            _, rest = await uow.audit.access_page(organisation_id=org, beneficiary_id=None, actor=None, since=None,
                                                  until=None, limit=10, offset=2)
            nothing = await uow.audit.access_page(organisation_id="another", beneficiary_id=None, actor=None,
                                                  since=None, until=None, limit=10, offset=0)
            reads = await uow.audit.accesses_of(organisation_id=org, beneficiary_id=a)
        assert total == 4 and [r["action"] for r in page] == ["export", "read"]
        assert set(page[0].keys()) == {"id", "at", "actor", "actor_role", "beneficiary_id", "action", "purpose"}
        assert [r["action"] for r in rest] == ["search", "read"]
        assert total_a == 2 and [r["action"] for r in of_a] == ["export", "read"]
        assert nothing == (0, [])
        assert [(r["actor"], r["action"]) for r in reads] == [("op-1", "read"), ("op-2", "search"), ("op-1", "export")]
        assert set(reads[0].keys()) == {"at", "actor", "actor_role", "action", "purpose"}

    async def test_a_persons_records_are_gathered_in_order_with_their_sealed_parts(self, uow, org):
        (person,) = await self.copy(uow, person_tuple(org, reference=os.urandom(32)))
        goal = NewGoal(goal_id=uuid4(), position=1, area="work", responsible_operator="op-1",
                       deadline=TODAY + timedelta(days=90), phase_dues=[], notes=b"sealed-goal")
        first, fix = uuid4(), uuid4()
        common: dict[str, Any] = dict(beneficiary_id=person, organisation_id=org, kind="intercultural_mediation",
                                      duration_minutes=60, operator_id="op-1", project_id="P-1", course_id=None,
                                      recorded_by="op-1")
        async with uow:
            await uow.path.insert_plan(beneficiary_id=person, organisation_id=org, agreed_on=TODAY, agreed_by="op-1",
                                       goals=[goal])
            await uow.path.append_transition(beneficiary_id=person, from_status="taken_in_charge",
                                             to_status="plan_agreed", reason_category="plan_agreed", notes=b"n",
                                             changed_on=TODAY, changed_by="op-1")
            await uow.activities.insert_intervention(NewIntervention(
                intervention_id=first, on_date=TODAY - timedelta(days=1), hours=Decimal("1"), cost_eur=Decimal("12.5"),
                **common))
            await uow.activities.insert_intervention(NewIntervention(
                intervention_id=fix, on_date=TODAY, hours=Decimal("1.25"), cost_eur=None, corrects=first, **common))
        async with uow:
            records = await uow.caseload.last_move_on(beneficiary_id=person), await uow.audit.records_of(
                beneficiary_id=person)
        last_move, got = records
        assert last_move == TODAY
        assert set(got) == {"registration_versions", "corrections", "assessments", "plan", "goals", "goal_history",
                            "path_transitions", "interventions", "course_enrolments", "consents"}
        assert [dict(r) for r in got["plan"]] == [{"agreed_on": TODAY, "agreed_by": "op-1"}]
        assert [(g["goal_id"], g["status"], g["notes"]) for g in got["goals"]] == [(goal.goal_id, "open",
                                                                                   b"sealed-goal")]
        assert [h["change"] for h in got["goal_history"]] == ["agreed"]
        assert [(t["to_status"], t["notes"]) for t in got["path_transitions"]] == [("plan_agreed", b"n")]
        assert [(i["intervention_id"], i["hours"], i["cost_eur"], i["superseded"], i["corrects"])
                for i in got["interventions"]] == [(first, "1.00", "12.50", True, None), (fix, "1.25", None, False,
                                                                                         first)]
        assert [(c["purpose"], c["action"]) for c in got["consents"]] == [("processing", "given")]
        assert got["registration_versions"] == got["corrections"] == got["assessments"] == []
        assert got["course_enrolments"] == []
