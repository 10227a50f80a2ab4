"""One contract for intake's repositories: the in-memory twins (tests/unit) and the PostgreSQL adapters
(tests/integration) run these same tests through their unit of work, so the twins cannot drift from the
SQL: same names and parameters (checked by mypy too), same row shapes, same answers.

A store fixture `uow` gives a unit of work whose tables outlive each `async with` (as a database
outlives a transaction); each test works in an organisation of its own."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from intake.adapters.repository import NewBeneficiary, PersonColumns
from intake.adapters.repository_activities import NewCourse, NewIntervention
from intake.adapters.repository_corrections import NewCorrection
from intake.adapters.repository_path import NewGoal
from intake.adapters.repository_projects import NewProject, ProjectCodeTaken
from intake.domain.duplicates import ExistingKeys

TODAY = date(2026, 11, 20)
LIST_COLUMNS = {
    "beneficiary_id", "sex", "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry",
    "household_size", "children", "single_parent", "italian_level", "languages", "vulnerabilities",
    "consent_date", "consent_scope", "project_ids", "path_status", "registered_on", "erased_at", "personal",
    "wrapped_key",
    "taken_in_charge_on", "area", "municipality", "accepted_areas", "step_free_need", "work_status",
    "permit_renewal_pending",
}


class Boom(Exception):
    pass


def new_person(org: str, *, fiscal: bytes | None = None, match: bytes | None = None, names: list[bytes] = (),
               registered_by: str = "op-1", must_leave_by: date | None = None, project: str = "P-1",
               permit_expiry: date | None = None, **extra: Any) -> NewBeneficiary:
    return NewBeneficiary(
        beneficiary_id=uuid4(), organisation_id=org, wrapped_key=os.urandom(40), personal=os.urandom(60),
        fiscal_code_index=fiscal, match_key_index=match or os.urandom(32), name_index=list(names), sex="F",
        age_band="25-34", legal_status="refugee", reception="sai", must_leave_by=must_leave_by,
        permit_expiry=permit_expiry, household_size=1, children=0, single_parent=False, italian_level="A1",
        languages=["so"], vulnerabilities=["health_condition"], project_ids=[project], consent_date=TODAY,
        consent_scope=["processing"], registered_on=TODAY, registered_by=registered_by, **extra,
    )


def new_project(lead: str, code: str, *, partners: list[str] = (), start: date = TODAY) -> NewProject:
    return NewProject(
        lead_organisation_id=lead, code=code, funder="fami", title="T", partners=list(partners), territories=["RM"],
        start_date=start, end_date=start + timedelta(days=365),
        budget=[("work", Decimal("100.50")), ("housing", Decimal("20"))], created_by="admin",
    )


class IntakeRepositoryContract:
    @pytest.fixture
    def org(self) -> str:
        return f"org-{uuid4().hex[:8]}"

    async def add(self, uow, person: NewBeneficiary) -> UUID:
        async with uow:
            await uow.people.insert(person, uow.take_pending())
        return person.beneficiary_id

    async def test_a_person_reads_back_in_the_same_shape_only_in_their_organisation(self, uow, org):
        person = new_person(org, names=[b"n1", b"n2"])
        await self.add(uow, person)
        async with uow:
            row = await uow.people.get(organisation_id=org, beneficiary_id=person.beneficiary_id)
            locked = await uow.people.lock(organisation_id=org, beneficiary_id=person.beneficiary_id)
            elsewhere = await uow.people.get(organisation_id="another", beneficiary_id=person.beneficiary_id)
        assert set(row.keys()) == LIST_COLUMNS
        assert (row["personal"], row["wrapped_key"], row["path_status"], row["erased_at"]) == (
            person.personal, person.wrapped_key, "taken_in_charge", None)
        assert (list(row["project_ids"]), list(row["languages"]), row["registered_on"]) == (["P-1"], ["so"], TODAY)
        assert (locked["organisation_id"], locked["registered_by"], list(locked["name_index"])) == (
            org, "op-1", [b"n1", b"n2"])
        assert elsewhere is None

    async def test_a_failed_unit_of_work_leaves_nothing(self, uow, org):
        person = new_person(org)
        with pytest.raises(Boom):
            async with uow:
                await uow.people.insert(person, uow.take_pending())
                raise Boom
        async with uow:
            assert await uow.people.get(organisation_id=org, beneficiary_id=person.beneficiary_id) is None

    async def test_duplicates_are_found_by_either_key_in_the_organisation_only(self, uow, org):
        fiscal, match = os.urandom(32), os.urandom(32)
        by_code = await self.add(uow, new_person(org, fiscal=fiscal))
        by_name = await self.add(uow, new_person(org, match=match))
        await self.add(uow, new_person("another", fiscal=fiscal, match=match))
        async with uow:
            found = await uow.people.find_duplicates(organisation_id=org, fiscal_code_index=fiscal,
                                                     match_key_index=match)
            but_one = await uow.people.find_duplicates(organisation_id=org, fiscal_code_index=fiscal,
                                                       match_key_index=match, other_than=by_code)
            nothing = await uow.people.find_duplicates(organisation_id=org, fiscal_code_index=None,
                                                       match_key_index=None)
        assert sorted(found, key=lambda k: k.beneficiary_id != by_code) == [
            ExistingKeys(by_code, fiscal, found[0].match_key if found[0].beneficiary_id == by_code
                         else found[1].match_key),
            ExistingKeys(by_name, None, match)]
        assert [k.beneficiary_id for k in but_one] == [by_name]
        assert nothing == []

    async def test_erasure_removes_the_key_and_every_searchable_trace(self, uow, org):
        fiscal = os.urandom(32)
        person = await self.add(uow, new_person(org, fiscal=fiscal, names=[b"n"]))
        async with uow:
            await uow.people.erase(beneficiary_id=person)
            await uow.people.log_erasure(beneficiary_id=person, organisation_id=org, reason="r", erased_by="admin")
        async with uow:
            row = await uow.people.get(organisation_id=org, beneficiary_id=person)
            found = await uow.people.find_duplicates(organisation_id=org, fiscal_code_index=fiscal,
                                                     match_key_index=None)
            total, _ = await uow.people.list_page(organisation_id=org, limit=10, offset=0, name_indexes=[b"n"])
        assert (row["personal"], row["wrapped_key"], list(row["vulnerabilities"])) == (None, None, [])
        assert row["erased_at"] is not None
        assert found == [] and total == 0

    async def test_a_page_is_newest_first_with_the_total_and_filters_combine(self, uow, org):
        first = await self.add(uow, new_person(org, names=[b"amina", b"warsame"], registered_by="op-1"))
        second = await self.add(uow, new_person(org, names=[b"amina", b"diallo"], registered_by="op-2",
                                                must_leave_by=TODAY + timedelta(days=5)))
        third = await self.add(uow, new_person(org, names=[b"omar"], project="P-2"))
        async with uow:
            await uow.people.set_path_status(beneficiary_id=third, status="in_progress")
        async with uow:
            total, rows = await uow.people.list_page(organisation_id=org, limit=2, offset=0)
            _, rest = await uow.people.list_page(organisation_id=org, limit=2, offset=2)
            by_name = await uow.people.list_page(organisation_id=org, limit=10, offset=0, name_indexes=[b"amina"])
            both = await uow.people.list_page(organisation_id=org, limit=10, offset=0,
                                              name_indexes=[b"amina", b"diallo"])
            status = await uow.people.list_page(organisation_id=org, limit=10, offset=0, status="in_progress")
            project = await uow.people.list_page(organisation_id=org, limit=10, offset=0, project_id="P-2")
            operator = await uow.people.list_page(organisation_id=org, limit=10, offset=0, operator="op-2")
            due = await uow.people.list_page(organisation_id=org, limit=10, offset=0,
                                             due_by=TODAY + timedelta(days=10), closed_statuses=["autonomy_reached"])
        assert total == 3 and [r["beneficiary_id"] for r in rows + rest] == [third, second, first]
        assert all(set(r.keys()) == LIST_COLUMNS for r in rows)
        assert [(t, [r["beneficiary_id"] for r in page]) for t, page in (by_name, both, status, project, operator,
                                                                         due)] == [
            (2, [second, first]), (1, [second]), (1, [third]), (1, [third]), (1, [second]), (1, [second])]

    async def test_a_pending_renewal_keeps_a_permit_out_of_the_due_list_and_reads_back(self, uow, org):
        soon, past = TODAY + timedelta(days=5), TODAY - timedelta(days=30)
        expiring = await self.add(uow, new_person(org, permit_expiry=soon))
        renewing = await self.add(uow, new_person(org, permit_expiry=soon, permit_renewal_pending=True))
        lapsed = await self.add(uow, new_person(org, permit_expiry=past, permit_renewal_pending=True))
        also_leaving = await self.add(uow, new_person(org, permit_expiry=past, permit_renewal_pending=True,
                                                      must_leave_by=soon))
        async with uow:
            _, due = await uow.people.list_page(organisation_id=org, limit=10, offset=0,
                                                due_by=TODAY + timedelta(days=10))
            rows = {b: await uow.people.get(organisation_id=org, beneficiary_id=b)
                    for b in (expiring, renewing, lapsed)}
        assert {r["beneficiary_id"] for r in due} == {expiring, also_leaving}
        assert [rows[b]["permit_renewal_pending"] for b in (expiring, renewing, lapsed)] == [False, True, True]
        async with uow:
            await uow.people.update_registration(PersonColumns(
                beneficiary_id=lapsed, personal=b"new", fiscal_code_index=None, match_key_index=b"m",
                name_index=[b"x"], sex="F", age_band="25-34", legal_status="refugee", reception="sai",
                must_leave_by=None, permit_expiry=past, household_size=1, children=0, single_parent=False,
                italian_level="A1", languages=["so"], vulnerabilities=[], permit_renewal_pending=False))
            _, due = await uow.people.list_page(organisation_id=org, limit=10, offset=0,
                                                due_by=TODAY + timedelta(days=10))
            row = await uow.people.get(organisation_id=org, beneficiary_id=lapsed)
        assert row["permit_renewal_pending"] is False
        assert {r["beneficiary_id"] for r in due} == {expiring, also_leaving, lapsed}

    async def test_each_read_is_one_audit_row(self, uow, org):
        person = await self.add(uow, new_person(org))
        async with uow:
            await uow.people.log_access(actor="op-1", actor_role="operator", organisation_id=org,
                                        beneficiary_ids=[person, None], action="search", purpose="casework")
            await uow.people.log_access(actor="op-1", actor_role="operator", organisation_id=org,
                                        beneficiary_ids=[], action="list", purpose="casework")
        assert await self.audit(uow, org) == [(person, "search", "casework"), (None, "search", "casework")]

    async def audit(self, uow, org: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # each store reads its own audit log

    async def test_projects_are_seen_by_lead_and_partners_and_a_code_is_taken_once(self, uow, org):
        partner = f"{org}-partner"
        async with uow:
            await uow.projects.insert(new_project(org, "P-1", partners=[partner]))
            await uow.projects.insert(new_project(partner, "P-1", start=TODAY - timedelta(days=30)))
        with pytest.raises(ProjectCodeTaken):
            async with uow:
                await uow.projects.insert(new_project(org, "P-1"))
        async with uow:
            seen = await uow.projects.visible_to(organisation_id=partner)
            unknown = await uow.projects.not_visible(organisation_id=org, codes=["X-9", "P-1", "X-8"])
            for_partner = await uow.projects.period_of(organisation_id=partner, code="P-1")
            for_lead = await uow.projects.period_of(organisation_id=org, code="P-1")
            unknown_codes = await uow.people.lock_identity_and_find_unknown_projects(
                b"k1", None, organisation_id=org, project_codes=["P-1", "Z-1"])
        assert [(p["lead_organisation_id"], p["code"], p["start_date"]) for p in seen] == [
            (org, "P-1", TODAY), (partner, "P-1", TODAY - timedelta(days=30))]
        assert [dict(b) for b in seen[0]["budget"]] == [{"work_package": "housing", "amount_eur": "20.00"},
                                                        {"work_package": "work", "amount_eur": "100.50"}]
        assert unknown == ["X-9", "X-8"] and unknown_codes == ["Z-1"]
        assert (for_partner["start_date"], for_lead["start_date"]) == (TODAY - timedelta(days=30), TODAY)

    async def test_a_plan_its_goals_history_and_status_moves(self, uow, org):
        person = await self.add(uow, new_person(org))
        goals = [NewGoal(goal_id=uuid4(), position=i, area=a, responsible_operator="op-3", deadline=TODAY + timedelta(
            days=30 * (i + 1)), phase_dues=[TODAY], notes=b"sealed") for i, a in enumerate(["work", "housing"])]
        async with uow:
            assert await uow.path.has_plan(beneficiary_id=person) is False
            await uow.path.insert_plan(beneficiary_id=person, organisation_id=org, agreed_on=TODAY, agreed_by="op-1",
                                       goals=goals)
            for on, to in ((TODAY, "plan_agreed"), (TODAY + timedelta(days=1), "interrupted"),
                           (TODAY + timedelta(days=2), "plan_agreed")):
                await uow.path.append_transition(beneficiary_id=person, from_status="x", to_status=to,
                                                 reason_category="other", notes=b"n", changed_on=on, changed_by="op")
        async with uow:
            goal = await uow.path.goal_for_update(beneficiary_id=person, goal_id=goals[1].goal_id)
            await uow.path.update_goal(goal_id=goals[1].goal_id, status="met", deadline=goal["deadline"],
                                       closed_on=TODAY)
            await uow.path.append_goal_history(goal_id=goals[1].goal_id, beneficiary_id=person, change="met",
                                               status="met", deadline=goal["deadline"], closed_on=TODAY, notes=None,
                                               recorded_on=TODAY, recorded_by="op-1")
        async with uow:
            plan, stored = await uow.path.plan_of(beneficiary_id=person)
            history = await uow.path.goal_history_of(beneficiary_id=person)
            entered = await uow.path.entered_status_on(beneficiary_id=person, status="plan_agreed")
            never = await uow.path.entered_status_on(beneficiary_id=person, status="transferred")
            operator = await uow.people.list_page(organisation_id=org, limit=10, offset=0, operator="op-3")
            elsewhere = await uow.path.goal_for_update(beneficiary_id=uuid4(), goal_id=goals[0].goal_id)
        assert (plan["agreed_on"], plan["agreed_by"]) == (TODAY, "op-1")
        assert [(g["goal_id"], g["area"], g["status"], g["closed_on"]) for g in stored] == [
            (goals[0].goal_id, "work", "open", None), (goals[1].goal_id, "housing", "met", TODAY)]
        assert [(h["goal_id"], h["change"], h["status"]) for h in history] == [
            (goals[0].goal_id, "agreed", "open"), (goals[1].goal_id, "agreed", "open"),
            (goals[1].goal_id, "met", "met")]
        assert (entered, never) == (TODAY + timedelta(days=2), None)
        assert operator[0] == 1 and elsewhere is None

    async def test_goals_added_to_a_plan_follow_its_own_and_need_the_plan_and_a_free_position(self, uow, org):
        person, planless = await self.add(uow, new_person(org)), await self.add(uow, new_person(org))

        def goal(position: int, area: str) -> NewGoal:
            return NewGoal(goal_id=uuid4(), position=position, area=area, responsible_operator="op-3",
                           deadline=TODAY + timedelta(days=90), phase_dues=[], notes=b"sealed")

        agreed, added = goal(0, "work"), [goal(1, "housing"), goal(2, "social")]
        async with uow:
            await uow.path.insert_plan(beneficiary_id=person, organisation_id=org, agreed_on=TODAY, agreed_by="op-1",
                                       goals=[agreed])
        async with uow:
            await uow.path.insert_goals(beneficiary_id=person, organisation_id=org, change="added",
                                        recorded_on=TODAY + timedelta(days=1), recorded_by="op-2", goals=added)
        for bad_person, bad_goal in ((person, goal(1, "work")), (planless, goal(0, "housing"))):
            with pytest.raises(Exception):  # noqa: B017  (the position is taken / no plan: the store's own error)
                async with uow:
                    await uow.path.insert_goals(beneficiary_id=bad_person, organisation_id=org, change="added",
                                                recorded_on=TODAY, recorded_by="op-2", goals=[bad_goal])
        async with uow:
            _, stored = await uow.path.plan_of(beneficiary_id=person)
            history = await uow.path.goal_history_of(beneficiary_id=person)
            _, none = await uow.path.plan_of(beneficiary_id=planless)
        assert [(g["goal_id"], g["area"], g["position"], g["status"]) for g in stored] == [
            (agreed.goal_id, "work", 0, "open"), (added[0].goal_id, "housing", 1, "open"),
            (added[1].goal_id, "social", 2, "open")]
        assert [(h["goal_id"], h["change"], h["recorded_on"], h["recorded_by"]) for h in history] == [
            (agreed.goal_id, "agreed", TODAY, "op-1"), (added[0].goal_id, "added", TODAY + timedelta(days=1), "op-2"),
            (added[1].goal_id, "added", TODAY + timedelta(days=1), "op-2")]
        assert none == []

    async def test_corrections_are_numbered_in_order_and_rewrite_the_person(self, uow, org):
        person = await self.add(uow, new_person(org))
        correction = NewCorrection(beneficiary_id=person, organisation_id=org, target="registration",
                                   fields=["sex"], reason=b"r", corrected_on=TODAY, corrected_by="op-1")
        async with uow:
            first = await uow.corrections.append(correction)
            second = await uow.corrections.append(correction)
            await uow.corrections.keep_superseded(beneficiary_id=person, correction_seq=first, registration=b"old")
            await uow.people.update_registration(PersonColumns(
                beneficiary_id=person, personal=b"new", fiscal_code_index=None, match_key_index=b"m",
                name_index=[b"x"], sex="M", age_band="35-44", legal_status="refugee", reception="cas",
                must_leave_by=None, permit_expiry=None, household_size=2, children=1, single_parent=True,
                italian_level="A2", languages=["en"], vulnerabilities=[]))
        async with uow:
            row = await uow.people.get(organisation_id=org, beneficiary_id=person)
        assert second > first
        assert (row["personal"], row["sex"], row["reception"], row["household_size"], list(row["languages"])) == (
            b"new", "M", "cas", 2, ["en"])

    async def test_an_intervention_chain_reads_its_current_record_and_courses_take_people_once(self, uow, org):
        person = await self.add(uow, new_person(org))
        first, second, third = uuid4(), uuid4(), uuid4()

        def record(intervention_id: UUID, on: date, corrects: UUID | None = None) -> NewIntervention:
            return NewIntervention(
                intervention_id=intervention_id, beneficiary_id=person, organisation_id=org,
                kind="intercultural_mediation", on_date=on, duration_minutes=60, hours=Decimal("1.00"),
                operator_id="med-1", project_id="P-1", cost_eur=Decimal("30.00"), course_id=None, recorded_by="op-1",
                corrects=corrects)

        other = uuid4()
        async with uow:
            await uow.activities.insert_intervention(record(first, TODAY))
            await uow.activities.insert_intervention(record(other, TODAY - timedelta(days=3)))
        async with uow:
            await uow.activities.insert_intervention(record(second, TODAY - timedelta(days=1), corrects=first))
        async with uow:
            await uow.activities.insert_intervention(record(third, TODAY - timedelta(days=2), corrects=second))
        async with uow:
            total, current = await uow.activities.interventions_of(beneficiary_id=person, limit=10, offset=0)
            everything = await uow.activities.interventions_of(beneficiary_id=person, limit=2, offset=1,
                                                               include_superseded=True)
            old = await uow.activities.intervention(beneficiary_id=person, intervention_id=first)
            elsewhere = await uow.activities.intervention(beneficiary_id=uuid4(), intervention_id=first)
            now = await uow.activities.current_of(intervention_id=first)
        assert (total, [(r["intervention_id"], r["corrects"], r["superseded_by"]) for r in current]) == (
            2, [(third, second, None), (other, None, None)])
        assert set(current[0].keys()) == {"intervention_id", "kind", "on_date", "duration_minutes", "hours",
                                          "operator_id", "project_id", "cost_eur", "course_id", "corrects",
                                          "superseded_by"}
        assert (everything[0], [r["intervention_id"] for r in everything[1]]) == (4, [second, third])
        assert (old["superseded_by"], old["kind"], old["hours"], old["cost_eur"]) == (
            second, "intercultural_mediation", Decimal("1.00"), Decimal("30.00"))
        assert elsewhere is None and now == third

        course = NewCourse(course_id=uuid4(), organisation_id=org, kind="italian_course", title="A2 serale",
                           project_id="P-1", start_date=TODAY, end_date=TODAY + timedelta(days=60),
                           hours=Decimal("40.00"), created_by="op-1")
        async with uow:
            await uow.activities.insert_course(course)
            enrolled = [await uow.activities.enrol(course_id=course.course_id, beneficiary_id=person,
                                                   enrolled_on=TODAY, enrolled_by="op-1") for _ in range(2)]
            completed = [await uow.activities.complete(
                course_id=course.course_id, beneficiary_id=person, completed_on=TODAY + timedelta(days=60),
                level_before="A1", level_reached="A2", recorded_by="op-1") for _ in range(2)]
        async with uow:
            row = await uow.activities.course(organisation_id=org, course_id=course.course_id)
            hidden = await uow.activities.course(organisation_id="another", course_id=course.course_id)
            on = await uow.activities.enrolled_on(course_id=course.course_id, beneficiary_id=person)
            never = await uow.activities.enrolled_on(course_id=course.course_id, beneficiary_id=uuid4())
        assert enrolled == [True, False] and completed == [True, False]
        assert (row["kind"], row["project_id"], row["end_date"], row["hours"]) == (
            "italian_course", "P-1", TODAY + timedelta(days=60), Decimal("40.00"))
        assert (hidden, on, never) == (None, TODAY, None)
