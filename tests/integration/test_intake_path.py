"""Intake's individual path over HTTP, in-process, on the real PostgreSQL and Kafka: projects,
assessment, plan and goals, status moves, interventions, courses, erasure and lists; each command's
rows and outbox events, and what must never leave intake."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests.integration.intake_support import (
    ORG,
    OTHER_ORG,
    PROJECT,
    SECOND_PROJECT,
    Intake,
    assert_no_personal_data,
    errors_of,
    headers,
    project_body,
    registration,
    running_intake,
)
from tests.waiting import eventually

pytestmark = pytest.mark.integration

INTAKE_DIR = Path(__file__).resolve().parents[2] / "services" / "intake"
TODAY = today_in_italy()
ADMIN = headers(Role.admin, sub="admin-1")
OPERATOR = headers()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "it_intake") as running:
        yield running


PLAN = {"goals": [
    {"area": "work", "title": "Trovare lavoro come cuoca da Trattoria Da Mario", "deadline": days(120),
     "responsible_operator": "op-1",
     "phases": [{"title": "Corso HACCP con la zia Halima", "due": days(30)}, {"title": "Tirocinio", "due": days(90)}]},
    {"area": "housing", "title": "Affitto autonomo a Torpignattara", "deadline": days(200),
     "responsible_operator": "op-2", "phases": []},
    {"area": "social", "title": "Iscrizione alla squadra di calcio", "deadline": days(60),
     "responsible_operator": "op-1", "phases": []},
]}
PLAN_SECRETS = ["Trattoria", "Halima", "Torpignattara", "calcio", "Tirocinio"]


async def agree_plan(intake: Intake, beneficiary_id: UUID, plan: dict | None = None) -> list[str]:
    response = await intake.client.post(f"/api/v1/beneficiaries/{beneficiary_id}/plan", json=plan or PLAN,
                                        headers=OPERATOR)
    assert response.status_code == 201, response.text
    return response.json()["goal_ids"]


async def move(intake: Intake, beneficiary_id: UUID, to: str, category: str = "other",
               reason: str = "deciso al colloquio con Yusuf") -> httpx.Response:
    return await intake.client.post(
        f"/api/v1/beneficiaries/{beneficiary_id}/transitions",
        json={"to": to, "reason": reason, "reason_category": category}, headers=OPERATOR,
    )


# --- projects ---------------------------------------------------------------------------------

PROJECT_BODY = project_body(PROJECT, ORG)


async def test_projects_admin_creates_lead_and_partners_list(intake: Intake):
    response = await intake.client.post("/api/v1/projects", json=PROJECT_BODY, headers=ADMIN)
    assert response.status_code == 201, response.text
    assert response.json() == {"code": PROJECT, "lead_organisation_id": ORG, "budget_total_eur": "215000.50"}
    row = await intake.fetchrow("SELECT * FROM projects WHERE code = $1", PROJECT)
    assert (row["lead_organisation_id"], row["funder"], row["partners"], row["territories"]) == (
        ORG, "fami", [OTHER_ORG], ["RM", "LT"])
    budget = await intake.fetch("SELECT work_package, amount_eur::text AS eur FROM project_budget ORDER BY 1")
    assert [(b["work_package"], b["eur"]) for b in budget] == [
        ("housing", "80000.00"), ("management", "15000.50"), ("work", "120000.00")]

    lead = (await intake.client.get("/api/v1/projects", headers=OPERATOR)).json()["items"]
    partner = (await intake.client.get("/api/v1/projects", headers=headers(org=OTHER_ORG))).json()["items"]
    outsider = (await intake.client.get("/api/v1/projects", headers=headers(org="coop-z"))).json()["items"]
    assert [(p["code"], p["role"], p["budget_total_eur"]) for p in lead] == [(PROJECT, "lead", "215000.50")]
    assert [(p["code"], p["role"]) for p in partner] == [(PROJECT, "partner")]
    assert outsider == []


async def test_projects_refuse_bad_input_roles_and_a_taken_code(intake: Intake):
    before = await intake.fetchval("SELECT count(*) FROM projects")
    body = PROJECT_BODY | {"code": "PRJ-BAD"}
    cases = [
        (body | {"end_date": days(-100)}, "end_date", "end_before_start"),
        (body | {"territories": ["rm"]}, "territories.0", "string_pattern_mismatch"),
        (body | {"territories": []}, "territories", "too_short"),
        (body | {"territories": ["RM", "ZZ"]}, "territories", "unknown_province"),
        (body | {"funder": "ministry"}, "funder", "enum"),
        (body | {"budget": [{"work_package": "work", "amount_eur": 1}, {"work_package": "work", "amount_eur": 2}]},
         "budget", "work_package_repeated"),
        (body | {"budget": [{"work_package": "work", "amount_eur": -1}]}, "budget.0.amount_eur", "greater_than_equal"),
        (body | {"lead_organisation_id": OTHER_ORG}, "lead_organisation_id", "extra_forbidden"),
        (body | {"partners": [ORG]}, "partners.0", "lead_as_partner"),
    ]
    for payload, field, kind in cases:
        response = await intake.client.post("/api/v1/projects", json=payload, headers=ADMIN)
        assert errors_of(response) == {field: kind}, payload
    assert (await intake.client.post("/api/v1/projects", json=body, headers=OPERATOR)).status_code == 403
    assert (await intake.client.get("/api/v1/projects", headers=headers(Role.funder))).status_code == 403
    assert await intake.fetchval("SELECT count(*) FROM projects") == before

    taken = await intake.client.post("/api/v1/projects", json=PROJECT_BODY, headers=ADMIN)
    assert taken.status_code == 409
    assert (taken.json()["errors"][0]["rule"], taken.json()["errors"][0]["field"]) == ("code_taken", "code")
    # Codes are unique per lead organisation: another organisation may use the same code.
    other = await intake.client.post("/api/v1/projects", json=PROJECT_BODY | {"partners": []},
                                     headers=headers(Role.admin, org="coop-z"))
    assert other.status_code == 201, other.text


async def test_registration_refuses_projects_the_organisation_is_not_in(intake: Intake):
    org = "coop-typo"
    await intake.ensure_projects(org, [PROJECT])
    await intake.client.post("/api/v1/projects", json=project_body("THEIRS-1", "coop-stranger") | {"partners": []},
                             headers=headers(Role.admin, org="coop-stranger"))
    before = (await intake.fetchval("SELECT count(*) FROM beneficiaries"), await intake.fetchval(
        "SELECT count(*) FROM outbox"))
    for project_ids, expected in [
        ([PROJECT, "FAMI-2024-01"], {"project_ids.1": "unknown_project"}),  # a typo
        (["THEIRS-1"], {"project_ids.0": "unknown_project"}),  # another organisation's project
        (["NOPE-1", "NOPE-2"], {"project_ids.0": "unknown_project", "project_ids.1": "unknown_project"}),
    ]:
        response = await intake.client.post("/api/v1/beneficiaries", json=registration(project_ids=project_ids),
                                            headers=headers(org=org))
        assert errors_of(response) == expected, project_ids
        assert "POST /api/v1/projects" in response.json()["errors"][0]["message"]
    assert (await intake.fetchval("SELECT count(*) FROM beneficiaries"), await intake.fetchval(
        "SELECT count(*) FROM outbox")) == before
    # A partner of the lead organisation takes people in charge in the lead's project.
    partner = await intake.client.post("/api/v1/beneficiaries", json=registration(), headers=headers(org=OTHER_ORG))
    assert partner.status_code == 201, partner.text


async def test_a_person_is_enrolled_in_another_project_through_the_outbox(intake: Intake):
    org = "coop-enrol"
    await intake.ensure_projects(org, [SECOND_PROJECT])
    body = registration(with_code=True)
    person = await intake.register(body, org=org)
    url = f"/api/v1/beneficiaries/{person}/projects"
    op = headers(org=org)

    duplicate = await intake.client.post("/api/v1/beneficiaries", json=body | {"project_ids": [SECOND_PROJECT]},
                                         headers=op)
    assert duplicate.status_code == 409
    [match] = duplicate.json()["matches"]
    assert (match["beneficiary_id"], match["link"]) == (str(person), url)
    assert "POST" in duplicate.json()["detail"] and "link" in duplicate.json()["detail"]

    assert errors_of(await intake.client.post(url, json={"project_id": "NOPE-1"}, headers=op)) == {
        "project_id": "unknown_project"}
    assert errors_of(await intake.client.post(url, json={"project_id": " "}, headers=op)) == {"project_id": "blank"}
    assert (await intake.client.post(url, json={"project_id": SECOND_PROJECT}, headers=headers(Role.housing, org=org))
            ).status_code == 403
    assert (await intake.client.post(url, json={"project_id": SECOND_PROJECT}, headers=headers(org="coop-z"))
            ).status_code == 404
    assert await intake.event_types(person) == ["intake.beneficiary_registered"]

    enrolled = await intake.client.post(url, json={"project_id": SECOND_PROJECT}, headers=op)
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json() == {"beneficiary_id": str(person), "project_ids": [PROJECT, SECOND_PROJECT]}
    again = await intake.client.post(url, json={"project_id": SECOND_PROJECT}, headers=op)
    assert (again.status_code, again.json()["errors"][0]["rule"], again.json()["errors"][0]["field"]) == (
        409, "already_enrolled", "project_id")
    assert await intake.fetchval("SELECT project_ids FROM beneficiaries WHERE beneficiary_id = $1", person) == [
        PROJECT, SECOND_PROJECT]
    events = await intake.events(person)
    assert [e.event_type for e in events] == ["intake.beneficiary_registered", "intake.beneficiary_enrolled_in_project"]
    assert events[1].payload == {"project_id": SECOND_PROJECT, "enrolled_on": TODAY.isoformat()}
    assert events[1].envelope["project_id"] == SECOND_PROJECT
    assert_no_personal_data(events, [body["first_name"], body["last_name"], body["fiscal_code"]])
    charged = await intake.client.post(f"/api/v1/beneficiaries/{person}/interventions",
                                       json=intervention(project_id=SECOND_PROJECT), headers=op)
    assert charged.status_code == 201, charged.text


# --- assessment -------------------------------------------------------------------------------

ASSESSMENT = {
    "skills": [{"name": "  Cucina   Etiope ", "level": 4}, {"name": "Welding", "level": 2},
               {"name": "Aiuto cuoco alla Trattoria Bekele", "level": 4}],
    "work_experience": [{"sector": "I", "years": 3.5}, {"sector": "F", "years": 1}],
    "needs": {"work": ["Tirocinio", "job search"], "housing": ["autonomous lease", "vicino all'ospedale Spallanzani"],
              "social": ["terapia per il trauma"]},
    "vulnerabilities": ["health_condition", "victim_of_violence"],
}


async def test_assessment_is_stored_sealed_and_announced_without_personal_data(intake: Intake):
    person = await intake.register()
    response = await intake.client.post(f"/api/v1/beneficiaries/{person}/assessments", json=ASSESSMENT,
                                        headers=OPERATOR)
    assert response.status_code == 201, response.text
    assessment_id = UUID(response.json()["assessment_id"])

    row = await intake.fetchrow("SELECT * FROM assessments WHERE assessment_id = $1", assessment_id)
    assert row["beneficiary_id"] == person and row["organisation_id"] == ORG and row["recorded_by"] == "op-1"
    assert row["skills_per_level"] == [{"level": 2, "count": 1}, {"level": 4, "count": 2}]
    assert row["work_experience"] == [{"sector": "I", "years": 3.5}, {"sector": "F", "years": 1.0}]
    assert row["need_keywords"] == {"work": ["traineeship", "job_search"], "housing": ["autonomous_lease", "other"],
                                    "social": ["other"]}
    assert row["vulnerability_count"] == 2
    assert b"Spallanzani" not in bytes(row["notes"]) and b"victim" not in bytes(row["notes"])
    key = await intake.fetchval("SELECT wrapped_key FROM person_keys WHERE beneficiary_id = $1", person)
    sealed = intake.app.state.vault.open(person, key, bytes(row["notes"]))
    assert sealed["needs"]["housing"][1] == "vicino all'ospedale Spallanzani"
    assert sealed["vulnerabilities"] == ["health_condition", "victim_of_violence"]
    assert [s["name"] for s in sealed["skills"]] == ["Cucina   Etiope", "Welding", "Aiuto cuoco alla Trattoria Bekele"]

    events = await intake.events(person)
    assert [e.event_type for e in events] == ["intake.beneficiary_registered", "intake.assessment_recorded"]
    payload = events[1].payload
    assert events[1].envelope["schema_version"] == 2
    assert payload == {
        "assessment_id": str(assessment_id), "assessed_on": TODAY.isoformat(),
        "skills_per_level": [{"level": 2, "count": 1}, {"level": 4, "count": 2}],
        "work_experience": [{"sector": "I", "years": 3.5}, {"sector": "F", "years": 1.0}],
        "needs": {"work": ["traineeship", "job_search"], "housing": ["autonomous_lease", "other"], "social": ["other"]},
        "vulnerability_count": 2,
    }
    assert_no_personal_data(events[1:], ["Spallanzani", "trauma", "health_condition", "victim", "Warsame",
                                         "Tesfaye", "Diallo", "Haidari", "Okafor", "Bekele", "Trattoria",
                                         "cucina", "welding", "\"name\""])


async def test_assessment_bad_input_stores_nothing(intake: Intake):
    person = await intake.register()
    bad = ASSESSMENT | {"work_experience": [{"sector": "Z", "years": 1}]}
    response = await intake.client.post(f"/api/v1/beneficiaries/{person}/assessments", json=bad, headers=OPERATOR)
    assert errors_of(response) == {"work_experience.0.sector": "ateco_section"}
    assert await intake.fetchval("SELECT count(*) FROM assessments WHERE beneficiary_id = $1", person) == 0
    assert await intake.event_types(person) == ["intake.beneficiary_registered"]


# --- plan and goals ---------------------------------------------------------------------------

async def test_plan_is_agreed_stored_and_moves_the_path(intake: Intake):
    person = await intake.register()
    goal_ids = [UUID(g) for g in await agree_plan(intake, person)]

    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == (
        "plan_agreed")
    goals = await intake.fetch("SELECT * FROM goals WHERE beneficiary_id = $1 ORDER BY position", person)
    assert [g["goal_id"] for g in goals] == goal_ids
    assert [(g["area"], g["deadline"].isoformat(), g["status"], g["responsible_operator"]) for g in goals] == [
        ("work", days(120), "open", "op-1"), ("housing", days(200), "open", "op-2"),
        ("social", days(60), "open", "op-1")]
    assert [d.isoformat() for d in goals[0]["phase_dues"]] == [days(30), days(90)]
    assert all(b"Trattoria" not in bytes(g["notes"]) for g in goals)
    history = await intake.fetch("SELECT change, status FROM goal_history WHERE beneficiary_id = $1", person)
    assert [(h["change"], h["status"]) for h in history] == [("agreed", "open")] * 3
    moves = await intake.fetch("SELECT from_status, to_status, reason_category FROM path_transitions "
                               "WHERE beneficiary_id = $1", person)
    assert [tuple(m) for m in moves] == [("taken_in_charge", "plan_agreed", "plan_agreed")]

    events = await intake.events(person)
    assert [e.event_type for e in events] == [
        "intake.beneficiary_registered", "intake.plan_agreed", "intake.path_status_changed"]
    assert events[1].payload == {"agreed_on": TODAY.isoformat(), "goals": [
        {"goal_id": str(goal_ids[0]), "area": "work", "deadline": days(120), "phases": 2},
        {"goal_id": str(goal_ids[1]), "area": "housing", "deadline": days(200), "phases": 0},
        {"goal_id": str(goal_ids[2]), "area": "social", "deadline": days(60), "phases": 0}]}
    assert events[2].payload == {"from_status": "taken_in_charge", "to_status": "plan_agreed",
                                 "reason_category": "plan_agreed", "changed_on": TODAY.isoformat()}
    assert_no_personal_data(events[1:], PLAN_SECRETS + ["op-2"])

    again = await intake.client.post(f"/api/v1/beneficiaries/{person}/plan", json=PLAN, headers=OPERATOR)
    assert again.status_code == 409
    assert (again.json()["from"], again.json()["to"]) == ("plan_agreed", "plan_agreed")
    assert await intake.fetchval("SELECT count(*) FROM goals WHERE beneficiary_id = $1", person) == 3


async def test_plan_with_bad_goals_stores_nothing(intake: Intake):
    person = await intake.register()
    late_phase = {"goals": [PLAN["goals"][0] | {"phases": [{"title": "x", "due": days(500)}]}]}
    past = {"goals": [PLAN["goals"][1], PLAN["goals"][0] | {"deadline": days(-1), "phases": []}]}
    for body, field, kind in [
        (late_phase, "goals.0.phases", "phase_after_deadline"),
        ({"goals": []}, "goals", "plan_without_goals"),
        ({"goals": [PLAN["goals"][0] | {"area": "health"}]}, "goals.0.area", "enum"),
        (past, "goals.1.deadline", "deadline_in_past"),
        ({"goals": [PLAN["goals"][1], PLAN["goals"][0] | {"phases": [{"title": "CV", "due": days(10)},
                                                                     {"title": "x", "due": days(-30)}]}]},
         "goals.1.phases.1.due", "phase_in_past"),
    ]:
        response = await intake.client.post(f"/api/v1/beneficiaries/{person}/plan", json=body, headers=OPERATOR)
        assert errors_of(response) == {field: kind}
    both = {"goals": [PLAN["goals"][0] | {"deadline": days(-1), "phases": [{"title": "x", "due": days(-2)}]}]}
    response = await intake.client.post(f"/api/v1/beneficiaries/{person}/plan", json=both, headers=OPERATOR)
    assert errors_of(response) == {"goals.0.deadline": "deadline_in_past", "goals.0.phases.0.due": "phase_in_past"}
    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == (
        "taken_in_charge")
    assert await intake.fetchval("SELECT count(*) FROM plans WHERE beneficiary_id = $1", person) == 0
    assert await intake.event_types(person) == ["intake.beneficiary_registered"]


async def test_plan_is_read_with_titles_only_when_a_purpose_is_given_and_logged(intake: Intake):
    person = await intake.register()
    await agree_plan(intake, person)
    url = f"/api/v1/beneficiaries/{person}/plan"
    plain = (await intake.client.get(url, headers=OPERATOR)).json()
    assert [g["area"] for g in plain["goals"]] == ["work", "housing", "social"]
    assert "title" not in plain["goals"][0] and "Trattoria" not in str(plain)
    assert await intake.fetchval("SELECT count(*) FROM pii_access_log WHERE beneficiary_id = $1", person) == 0

    full = (await intake.client.get(url, params={"purpose": "colloquio di verifica"}, headers=OPERATOR)).json()
    assert full["goals"][0]["title"] == PLAN["goals"][0]["title"]
    assert [p["title"] for p in full["goals"][0]["phases"]] == ["Corso HACCP con la zia Halima", "Tirocinio"]
    log = await intake.fetch("SELECT actor, actor_role, organisation_id, action, purpose FROM pii_access_log "
                             "WHERE beneficiary_id = $1", person)
    assert [tuple(r) for r in log] == [("op-1", "operator", ORG, "read_plan", "colloquio di verifica")]


async def test_goal_outcomes_follow_the_plan_rules_and_append_history(intake: Intake):
    person = await intake.register()
    work, housing, social = await agree_plan(intake, person)
    goal_url = f"/api/v1/beneficiaries/{person}/goals/{{}}/outcome"

    async def outcome(goal: str, body: dict) -> httpx.Response:
        return await intake.client.post(goal_url.format(goal), json=body, headers=OPERATOR)

    earlier = await outcome(work, {"outcome": "replanned", "new_deadline": days(100), "reason": "x"})
    assert errors_of(earlier) == {"new_deadline": "deadline_not_later"}
    assert errors_of(await outcome(work, {"outcome": "replanned", "new_deadline": days(150)})) == {
        "reason": "replan_needs_reason"}
    assert errors_of(await outcome(work, {"outcome": "met", "new_deadline": days(150)})) == {
        "new_deadline": "deadline_without_replan"}

    replanned = await outcome(work, {"outcome": "replanned", "new_deadline": days(180),
                                     "reason": "il corso HACCP di Halima slitta"})
    assert replanned.status_code == 201, replanned.text
    assert (await outcome(work, {"outcome": "met"})).status_code == 201
    closed = await outcome(work, {"outcome": "missed"})
    assert closed.status_code == 409 and closed.json()["errors"][0]["rule"] == "goal_closed"
    assert (await outcome(housing, {"outcome": "missed", "reason": "nessun proprietario"})).status_code == 201
    assert (await outcome(housing, {"outcome": "replanned", "new_deadline": days(300), "reason": "r"})).status_code \
        == 409
    unknown = await outcome(str(uuid4()), {"outcome": "met"})
    assert unknown.status_code == 404 and [(e["field"], e["rule"]) for e in unknown.json()["errors"]] == [
        ("path.goal_id", "not_found")], unknown.text

    goals = {str(g["goal_id"]): g for g in await intake.fetch("SELECT * FROM goals WHERE beneficiary_id = $1", person)}
    assert (goals[work]["status"], goals[work]["deadline"].isoformat(), goals[work]["closed_on"]) == (
        "met", days(180), TODAY)
    assert (goals[housing]["status"], goals[social]["status"]) == ("missed", "open")
    history = await intake.fetch("SELECT goal_id, change, status, deadline, notes FROM goal_history "
                                 "WHERE beneficiary_id = $1 ORDER BY seq", person)
    work_history = [(h["change"], h["status"], h["deadline"].isoformat()) for h in history
                    if str(h["goal_id"]) == work]
    assert work_history == [("agreed", "open", days(120)), ("replanned", "replanned", days(180)),
                            ("met", "met", days(180))]
    assert all(b"Halima" not in bytes(h["notes"] or b"") for h in history)

    async with intake.pool.acquire() as conn:
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("UPDATE goal_history SET deadline = now() WHERE beneficiary_id = $1", person)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("DELETE FROM goal_history WHERE beneficiary_id = $1", person)

    events = [e for e in await intake.events(person) if e.event_type == "intake.goal_outcome_recorded"]
    assert [e.payload for e in events] == [
        {"goal_id": work, "area": "work", "outcome": "replanned", "recorded_on": TODAY.isoformat(),
         "deadline": days(180), "previous_deadline": days(120)},
        {"goal_id": work, "area": "work", "outcome": "met", "recorded_on": TODAY.isoformat(),
         "deadline": days(180), "previous_deadline": None},
        {"goal_id": housing, "area": "housing", "outcome": "missed", "recorded_on": TODAY.isoformat(),
         "deadline": days(200), "previous_deadline": None}]
    assert_no_personal_data(events, ["Halima", "proprietario", "HACCP"])


# --- path transitions -------------------------------------------------------------------------

# The path of domain.md, with the early exits path.py allows; plan_agreed is reached by a plan. ROUTE
# interrupts before any plan, so that path resumes to taken_in_charge (with a plan: to in_progress,
# test_an_interrupted_path_resumes_where_it_really_is).
ALLOWED = [
    ("taken_in_charge", "plan_agreed"), ("taken_in_charge", "interrupted"), ("taken_in_charge", "transferred"),
    ("plan_agreed", "in_progress"), ("plan_agreed", "interrupted"), ("plan_agreed", "transferred"),
    ("in_progress", "autonomy_reached"), ("in_progress", "interrupted"), ("in_progress", "transferred"),
    ("interrupted", "taken_in_charge"),
]
STATUSES = ["taken_in_charge", "plan_agreed", "in_progress", "autonomy_reached", "interrupted", "transferred"]
ROUTE = {"taken_in_charge": [], "plan_agreed": ["plan_agreed"], "in_progress": ["plan_agreed", "in_progress"],
         "interrupted": ["interrupted"], "autonomy_reached": ["plan_agreed", "in_progress", "autonomy_reached"],
         "transferred": ["transferred"]}
CATEGORY = {"taken_in_charge": "resumed", "in_progress": "plan_started",
            "interrupted": "moved_away", "transferred": "transferred_to_other_service",
            "autonomy_reached": "employment"}


async def walk_to(intake: Intake, person: UUID, status: str) -> None:
    for step in ROUTE[status]:
        if step == "plan_agreed":
            await agree_plan(intake, person)
        else:
            assert (await move(intake, person, step, CATEGORY[step])).status_code == 201


@pytest.mark.parametrize(("start", "target"), ALLOWED)
async def test_every_allowed_transition_over_http(intake: Intake, start: str, target: str):
    person = await intake.register()
    await walk_to(intake, person, start)
    if target == "plan_agreed":
        await agree_plan(intake, person)
    else:
        response = await move(intake, person, target, CATEGORY[target], reason="si è trasferito da suo cugino Yusuf")
        assert response.status_code == 201, response.text
        assert response.json() == {"from": start, "to": target, "reason_category": CATEGORY[target]}
    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == target
    last = await intake.fetchrow("SELECT * FROM path_transitions WHERE beneficiary_id = $1 ORDER BY seq DESC LIMIT 1",
                                 person)
    assert (last["from_status"], last["to_status"], last["changed_by"]) == (start, target, "op-1")
    assert b"Yusuf" not in bytes(last["notes"])
    events = [e for e in await intake.events(person) if e.event_type == "intake.path_status_changed"]
    assert events[-1].payload == {"from_status": start, "to_status": target, "changed_on": TODAY.isoformat(),
                                  "reason_category": last["reason_category"]}
    assert len(events) == len(ROUTE[start]) + 1
    assert_no_personal_data(events, ["Yusuf", "cugino", "colloquio"])


async def test_forbidden_transitions_answer_409_naming_from_to_allowed_and_why(intake: Intake):
    allowed = {s: sorted(t for f, t in ALLOWED if f == s) for s in STATUSES}
    for start in STATUSES:
        person = await intake.register()
        await walk_to(intake, person, start)
        before = await intake.event_types(person)
        for target in STATUSES:
            if target in allowed[start] and target != "plan_agreed":
                continue
            response = await move(intake, person, target)
            assert response.status_code == 409, (start, target, response.text)
            body = response.json()
            by_plan_only = (start, target) == ("taken_in_charge", "plan_agreed")
            expected = [t for t in allowed[start] if t != "plan_agreed"] if by_plan_only else allowed[start]
            assert (body["from"], body["to"], body["allowed"], body["errors"][0]["rule"]) == (
                start, target, expected, "forbidden_transition")
            assert body["reason"]
            if by_plan_only:
                assert "agreeing a plan" in body["reason"]
            if (start, target) == ("interrupted", "in_progress"):
                assert "no plan was agreed" in body["reason"]
            if not allowed[start]:
                assert "final" in body["reason"]
        assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == start
        assert await intake.event_types(person) == before
    person = await intake.register()
    assert errors_of(await move(intake, person, "closed")) == {"to": "enum"}
    assert errors_of(await move(intake, person, "interrupted", category="illness")) == {"reason_category": "enum"}


async def test_an_interrupted_path_resumes_where_it_really_is(intake: Intake):
    with_plan = await intake.register()
    await walk_to(intake, with_plan, "plan_agreed")
    assert (await move(intake, with_plan, "interrupted", "moved_away")).status_code == 201
    back = await move(intake, with_plan, "taken_in_charge", "resumed")
    assert back.status_code == 409
    assert (back.json()["allowed"], back.json()["errors"][0]["rule"]) == (["in_progress"], "forbidden_transition")
    assert "agreed plan" in back.json()["reason"]
    assert (await move(intake, with_plan, "in_progress", "resumed")).status_code == 201

    without_plan = await intake.register()
    assert (await move(intake, without_plan, "interrupted", "stopped_attending")).status_code == 201
    refused = await move(intake, without_plan, "in_progress", "resumed")
    assert refused.status_code == 409
    assert (refused.json()["from"], refused.json()["to"], refused.json()["allowed"]) == (
        "interrupted", "in_progress", ["taken_in_charge"])
    assert "no plan was agreed" in refused.json()["reason"]
    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1",
                                 without_plan) == "interrupted"
    assert (await move(intake, without_plan, "taken_in_charge", "resumed")).status_code == 201
    await agree_plan(intake, without_plan)
    assert (await move(intake, without_plan, "in_progress")).status_code == 201
    moves = await intake.fetch("SELECT from_status, to_status FROM path_transitions WHERE beneficiary_id = $1 "
                               "ORDER BY seq", without_plan)
    assert [tuple(m) for m in moves] == [("taken_in_charge", "interrupted"), ("interrupted", "taken_in_charge"),
                                         ("taken_in_charge", "plan_agreed"), ("plan_agreed", "in_progress")]


async def test_concurrent_moves_of_one_person_are_serialised(intake: Intake):
    for _ in range(5):
        person = await intake.register()
        first, second = await asyncio.gather(move(intake, person, "interrupted"), move(intake, person, "transferred"))
        assert sorted([first.status_code, second.status_code]) == [201, 409]
        winner = "interrupted" if first.status_code == 201 else "transferred"
        assert await intake.fetchval("SELECT count(*) FROM path_transitions WHERE beneficiary_id = $1", person) == 1
        events = await intake.events(person)
        assert [e.payload.get("to_status") for e in events] == [None, winner]


# --- interventions ----------------------------------------------------------------------------

def intervention(**extra) -> dict:
    return {"kind": "intercultural_mediation", "date": TODAY.isoformat(), "duration_minutes": 90,
            "operator_id": "op-7", "project_id": PROJECT, "cost_eur": "45.5", "hours": "1.5"} | extra


async def test_interventions_are_validated_stored_announced_and_listed(intake: Intake):
    person = await intake.register(registration(project_ids=[PROJECT, SECOND_PROJECT]))
    url = f"/api/v1/beneficiaries/{person}/interventions"
    no_hours = intervention()
    del no_hours["hours"]
    for body, field, kind in [
        (no_hours, "hours", "mediation_needs_hours"),
        (intervention(project_id="OTHER-1"), "project_id", "project_not_enrolled"),
        (intervention(kind="counselling"), "hours", "hours_outside_mediation"),
        (intervention(duration_minutes=0), "duration_minutes", "greater_than_equal"),
        (intervention(date=days(1)), "date", "date_in_future"),
        (intervention(cost_eur="-1"), "cost_eur", "greater_than_equal"),
        (intervention(kind="italian_course", hours=None, course_id=str(uuid4())), "course_id", "unknown_course"),
    ]:
        assert errors_of(await intake.client.post(url, json=body, headers=OPERATOR)) == {field: kind}, body
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = $1", person) == 0
    assert await intake.event_types(person) == ["intake.beneficiary_registered"]

    first = await intake.client.post(url, json=intervention(date=days(-3)), headers=OPERATOR)
    assert first.status_code == 201, first.text
    second = await intake.client.post(url, json=intervention(kind="job_orientation", hours=None, cost_eur=None,
                                                             project_id=SECOND_PROJECT), headers=OPERATOR)
    assert second.status_code == 201, second.text
    row = await intake.fetchrow("SELECT * FROM interventions WHERE intervention_id = $1",
                                UUID(first.json()["intervention_id"]))
    assert (row["kind"], row["on_date"], row["hours"], row["cost_eur"], row["project_id"], row["operator_id"]) == (
        "intercultural_mediation", TODAY - timedelta(days=3), 1.5, 45.5, PROJECT, "op-7")

    events = [e for e in await intake.events(person) if e.event_type == "intake.intervention_recorded"]
    assert events[0].payload == {
        "intervention_id": first.json()["intervention_id"], "kind": "intercultural_mediation", "date": days(-3),
        "duration_minutes": 90, "hours": "1.50", "project_id": PROJECT, "cost_eur": "45.50", "course_id": None}
    assert events[0].envelope["project_id"] == PROJECT and events[1].envelope["project_id"] == SECOND_PROJECT
    assert (events[1].payload["hours"], events[1].payload["cost_eur"]) == (None, None)

    listed = (await intake.client.get(url, headers=OPERATOR)).json()
    assert listed["total"] == 2
    assert [i["kind"] for i in listed["items"]] == ["job_orientation", "intercultural_mediation"]
    assert (listed["items"][1]["hours"], listed["items"][1]["cost_eur"]) == ("1.50", "45.50")
    paged = (await intake.client.get(url, params={"limit": 1, "offset": 1}, headers=OPERATOR)).json()
    assert (paged["total"], [i["kind"] for i in paged["items"]]) == (2, ["intercultural_mediation"])


# --- courses ----------------------------------------------------------------------------------

async def ensure_project(intake: Intake) -> None:
    if not await intake.fetchval("SELECT 1 FROM projects WHERE lead_organisation_id = $1 AND code = $2", ORG, PROJECT):
        assert (await intake.client.post("/api/v1/projects", json=PROJECT_BODY, headers=ADMIN)).status_code == 201


COURSE = {"kind": "italian_course", "title": "Italiano A2 serale", "project_id": PROJECT,
          "start_date": days(-30), "end_date": days(30), "hours": "80"}


async def test_courses_enrolments_and_completions(intake: Intake):
    await ensure_project(intake)
    for body, field, kind in [
        (COURSE | {"project_id": "NOPE-1"}, "project_id", "unknown_project"),
        (COURSE | {"kind": "counselling"}, "kind", "not_a_course_kind"),
        (COURSE | {"end_date": days(-31)}, "end_date", "end_before_start"),
        (COURSE | {"hours": 0}, "hours", "greater_than"),
    ]:
        assert errors_of(await intake.client.post("/api/v1/courses", json=body, headers=OPERATOR)) == {field: kind}
    created = await intake.client.post("/api/v1/courses", json=COURSE, headers=OPERATOR)
    assert created.status_code == 201, created.text
    course = created.json()["course_id"]
    it_course = (await intake.client.post("/api/v1/courses", json=COURSE | {"kind": "it_course"},
                                          headers=OPERATOR)).json()["course_id"]
    person = await intake.register()
    outsider = await intake.register(registration(project_ids=[SECOND_PROJECT]))
    enrol, complete = f"/api/v1/courses/{course}/enrolments", f"/api/v1/courses/{course}/completions"

    early = await intake.client.post(complete, json={"beneficiary_id": str(person), "completed_on": days(0)},
                                     headers=OPERATOR)
    assert early.status_code == 409 and early.json()["errors"][0]["rule"] == "not_enrolled"
    assert errors_of(await intake.client.post(enrol, json={"beneficiary_id": str(outsider)}, headers=OPERATOR)) == {
        "beneficiary_id": "project_not_enrolled"}
    enrolled = await intake.client.post(enrol, json={"beneficiary_id": str(person), "enrolled_on": days(-20)},
                                        headers=OPERATOR)
    assert enrolled.status_code == 201, enrolled.text
    twice = await intake.client.post(enrol, json={"beneficiary_id": str(person)}, headers=OPERATOR)
    assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "already_enrolled"
    assert (await intake.client.post(f"/api/v1/courses/{uuid4()}/enrolments", json={"beneficiary_id": str(person)},
                                     headers=OPERATOR)).status_code == 404

    before_start = {"beneficiary_id": str(person), "completed_on": days(-31), "level_reached": "B1"}
    assert errors_of(await intake.client.post(complete, json=before_start, headers=OPERATOR)) == {
        "completed_on": "completion_rule"}
    done = await intake.client.post(complete, json=before_start | {"completed_on": days(-1)}, headers=OPERATOR)
    assert done.status_code == 201, done.text
    assert (done.json()["level_reached"], done.json()["levels_gained"]) == ("B1", 2)
    assert (await intake.client.post(complete, json=before_start | {"completed_on": days(0)},
                                     headers=OPERATOR)).status_code == 409
    assert await intake.fetchval("SELECT italian_level FROM beneficiaries WHERE beneficiary_id = $1", person) == "B1"
    assert (await intake.client.get(f"/api/v1/beneficiaries/{person}", headers=OPERATOR)).json()["italian_level"] == (
        "B1")

    assert (await intake.client.post(f"/api/v1/courses/{it_course}/enrolments", json={"beneficiary_id": str(person)},
                                     headers=OPERATOR)).status_code == 201
    levelled = {"beneficiary_id": str(person), "completed_on": days(0), "level_reached": "A2"}
    assert errors_of(await intake.client.post(f"/api/v1/courses/{it_course}/completions", json=levelled,
                                              headers=OPERATOR)) == {"level_reached": "completion_rule"}

    lesson = intervention(kind="italian_course", hours=None, duration_minutes=120, course_id=course)
    url = f"/api/v1/beneficiaries/{person}/interventions"
    assert (await intake.client.post(url, json=lesson, headers=OPERATOR)).status_code == 201
    assert errors_of(await intake.client.post(url, json=lesson | {"kind": "it_course"}, headers=OPERATOR)) == {
        "course_id": "course_kind_mismatch"}

    events = {e.event_type: e for e in await intake.events(person)}
    assert events["intake.course_enrolled"].payload["hours"] == "80.00"
    assert {k: events["intake.course_enrolled"].payload[k] for k in ("course_id", "kind", "project_id")} == {
        "course_id": it_course, "kind": "it_course", "project_id": PROJECT}
    assert events["intake.course_completed"].payload == {
        "course_id": course, "kind": "italian_course", "project_id": PROJECT, "completed_on": days(-1),
        "hours": "80.00", "level_before": "A1", "level_reached": "B1", "levels_gained": 2}
    assert events["intake.intervention_recorded"].payload["course_id"] == course
    assert await intake.fetchval("SELECT count(*) FROM course_enrolments WHERE beneficiary_id = $1", person) == 2
    assert await intake.fetchval("SELECT count(*) FROM course_completions WHERE beneficiary_id = $1", person) == 1
    assert await intake.event_types(outsider) == ["intake.beneficiary_registered"]


# --- erasure ----------------------------------------------------------------------------------

async def test_erasure_shreds_the_person_but_counts_stay(intake: Intake):
    org = "coop-erase"
    body = registration(with_code=True)
    person = await intake.register(body, org=org)
    op, admin = headers(org=org), headers(Role.admin, org=org, sub="admin-1")
    await intake.client.post(f"/api/v1/beneficiaries/{person}/assessments", json=ASSESSMENT, headers=op)
    duplicate = await intake.client.post("/api/v1/beneficiaries", json=body, headers=op)
    assert duplicate.status_code == 409  # the duplicate check is live before erasure
    found = await intake.client.get("/api/v1/beneficiaries", params={"name": body["last_name"], "purpose": "ricerca"},
                                    headers=op)
    assert found.json()["total"] == 1
    total_before = (await intake.client.get("/api/v1/beneficiaries", headers=op)).json()["total"]

    url = f"/api/v1/beneficiaries/{person}/erasure"
    assert (await intake.client.post(url, json={"reason": "richiesta art. 17"}, headers=op)).status_code == 403
    assert errors_of(await intake.client.post(url, json={"reason": " "}, headers=admin)) == {"reason": "blank"}
    erased = await intake.client.post(url, json={"reason": "richiesta art. 17 del 3 marzo"}, headers=admin)
    assert erased.status_code == 200, erased.text

    assert await intake.fetchval("SELECT count(*) FROM person_keys WHERE beneficiary_id = $1", person) == 0
    row = await intake.fetchrow("SELECT * FROM beneficiaries WHERE beneficiary_id = $1", person)
    assert (row["personal"], row["fiscal_code_index"], row["match_key_index"], row["name_index"]) == (
        None, None, None, [])
    assert row["erased_at"] is not None and row["vulnerabilities"] == []
    log = await intake.fetchrow("SELECT * FROM erasures WHERE beneficiary_id = $1", person)
    assert (log["erased_by"], log["organisation_id"]) == ("admin-1", org)
    assert log["reason"] == "richiesta art. 17 del 3 marzo"

    shown = await intake.client.get(f"/api/v1/beneficiaries/{person}", params={"purpose": "verifica cancellazione"},
                                    headers=op)
    assert shown.status_code == 200
    assert (shown.json()["personal"], shown.json()["erased"]) == (None, True)
    reads = await intake.fetch("SELECT action, purpose FROM pii_access_log WHERE beneficiary_id = $1 ORDER BY id",
                               person)
    assert [tuple(r) for r in reads][-1] == ("read", "verifica cancellazione")
    assert (await intake.client.get("/api/v1/beneficiaries", headers=op)).json()["total"] == total_before
    gone = await intake.client.get("/api/v1/beneficiaries", params={"name": body["last_name"], "purpose": "ricerca"},
                                   headers=op)
    assert gone.json()["total"] == 0

    again = await intake.client.post("/api/v1/beneficiaries", json=body, headers=op)
    assert again.status_code == 201, again.text  # no longer a duplicate of the erased person

    events = await intake.events(person)
    assert events[-1].event_type == "intake.beneficiary_erased"
    assert events[-1].payload == {"erased_on": TODAY.isoformat()}
    assert_no_personal_data(events[-1:], ["art. 17", "marzo", body["fiscal_code"]])
    twice = await intake.client.post(url, json={"reason": "di nuovo"}, headers=admin)
    assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "erased"
    after = await intake.client.post(f"/api/v1/beneficiaries/{person}/transitions",
                                     json={"to": "interrupted", "reason": "x"}, headers=op)
    assert after.status_code == 409 and after.json()["errors"][0]["rule"] == "erased"
    assert len(await intake.events(person)) == len(events)


# --- organisations, roles, audit --------------------------------------------------------------

async def test_another_organisation_gets_404_and_stores_nothing(intake: Intake):
    await ensure_project(intake)
    person = await intake.register()
    goal = (await agree_plan(intake, person))[0]
    theirs = headers(org=OTHER_ORG)
    base = f"/api/v1/beneficiaries/{person}"
    their_course = (await intake.client.post("/api/v1/courses", json=COURSE, headers=theirs)).json()["course_id"]
    calls = [
        ("post", f"{base}/assessments", ASSESSMENT, theirs),
        ("post", f"{base}/plan", PLAN, theirs),
        ("post", f"{base}/goals/{goal}/outcome", {"outcome": "met"}, theirs),
        ("post", f"{base}/transitions", {"to": "in_progress", "reason": "r"}, theirs),
        ("post", f"{base}/interventions", intervention(), theirs),
        ("get", f"{base}/interventions", None, theirs),
        ("get", f"{base}/plan", None, theirs),
        ("get", base, None, theirs),
        ("post", f"{base}/erasure", {"reason": "r"}, headers(Role.admin, org=OTHER_ORG)),
        ("post", f"/api/v1/courses/{their_course}/enrolments", {"beneficiary_id": str(person)}, theirs),
    ]
    before = await intake.event_types(person)
    for method, url, body, auth in calls:
        response = await intake.client.request(method, url, json=body, headers=auth)
        assert response.status_code == 404, (url, response.text)
    assert await intake.event_types(person) == before
    assert await intake.fetchval("SELECT path_status FROM beneficiaries WHERE beneficiary_id = $1", person) == (
        "plan_agreed")


async def test_roles_outside_operators_are_refused(intake: Intake):
    person = await intake.register()
    base = f"/api/v1/beneficiaries/{person}"
    for role in (Role.housing, Role.employment, Role.funder):
        for method, url, body in [
            ("post", f"{base}/assessments", ASSESSMENT), ("post", f"{base}/plan", PLAN),
            ("post", f"{base}/transitions", {"to": "interrupted", "reason": "r"}),
            ("post", f"{base}/interventions", intervention()), ("get", f"{base}/interventions", None),
            ("post", "/api/v1/courses", COURSE), ("post", f"{base}/erasure", {"reason": "r"}),
            ("post", "/api/v1/projects", PROJECT_BODY),
        ]:
            response = await intake.client.request(method, url, json=body, headers=headers(role))
            assert response.status_code == 403, (role, url, response.text)
    assert (await intake.client.post(f"{base}/assessments", json=ASSESSMENT)).status_code == 401
    assert await intake.event_types(person) == ["intake.beneficiary_registered"]


async def test_reads_with_a_purpose_are_audited_and_reads_without_are_not(intake: Intake):
    org = "coop-audit"
    people = [await intake.register(org=org) for _ in range(2)]
    op = headers(org=org, sub="op-audit")
    await intake.client.get(f"/api/v1/beneficiaries/{people[0]}", headers=op)
    await intake.client.get("/api/v1/beneficiaries", headers=op)
    assert await intake.fetchval("SELECT count(*) FROM pii_access_log WHERE organisation_id = $1", org) == 0
    await intake.client.get(f"/api/v1/beneficiaries/{people[0]}", params={"purpose": "rinnovo permesso"}, headers=op)
    await intake.client.get("/api/v1/beneficiaries", params={"purpose": "elenco settimanale"}, headers=op)
    log = await intake.fetch("SELECT actor, actor_role, beneficiary_id, action, purpose FROM pii_access_log "
                             "WHERE organisation_id = $1 ORDER BY id", org)
    assert [tuple(r) for r in log[:1]] == [("op-audit", "operator", people[0], "read", "rinnovo permesso")]
    assert sorted((r["beneficiary_id"], r["action"], r["purpose"]) for r in log[1:]) == sorted(
        (p, "list", "elenco settimanale") for p in people)
    refused = await intake.client.get(f"/api/v1/beneficiaries/{people[0]}", params={"purpose": "curiosità"},
                                      headers=headers(Role.housing, org=org))
    assert refused.status_code == 403


# --- lists ------------------------------------------------------------------------------------

async def test_lists_filter_by_operator_and_deadline_and_page(intake: Intake):
    org = "coop-lists"

    def plan(deadline: int, operator: str) -> dict:
        return {"goals": [{"area": "work", "title": "t", "deadline": days(deadline), "responsible_operator": operator}]}

    async def plan_for(person: UUID, body: dict) -> list[str]:
        response = await intake.client.post(f"/api/v1/beneficiaries/{person}/plan", json=body,
                                            headers=headers(org=org))
        assert response.status_code == 201, response.text
        return response.json()["goal_ids"]

    registered_by_x = await intake.register(org=org, sub="op-x")
    goal_of_x = await intake.register(org=org, sub="op-y")
    [goal] = await plan_for(goal_of_x, plan(10, "op-x"))
    leaving = await intake.register(registration(reception={"kind": "cas", "must_leave_by": days(5)}), org=org,
                                    sub="op-y")
    permit = {"document": "electronic", "reason": "asilo", "number": "I12345678", "questura": "Roma",
              "issue_date": days(-300), "expiry_date": days(20)}
    expiring = await intake.register(registration(permit=permit), org=org, sub="op-y")
    far = await intake.register(registration(reception={"kind": "cas", "must_leave_by": days(200)}), org=org,
                                sub="op-y")
    await plan_for(far, plan(100, "op-z"))

    async def ids(**params) -> tuple[int, set[UUID]]:
        response = await intake.client.get("/api/v1/beneficiaries", params=params, headers=headers(org=org))
        assert response.status_code == 200, response.text
        return response.json()["total"], {UUID(i["beneficiary_id"]) for i in response.json()["items"]}

    assert await ids(operator="op-x") == (2, {registered_by_x, goal_of_x})
    assert await ids(operator="op-z") == (1, {far})
    assert await ids(deadline_within_days=30) == (3, {goal_of_x, leaving, expiring})
    assert await ids(deadline_within_days=30, operator="op-x") == (1, {goal_of_x})
    assert await ids(deadline_within_days=150) == (4, {goal_of_x, leaving, expiring, far})
    total, page = await ids(deadline_within_days=30, limit=2, offset=0)
    _, rest = await ids(deadline_within_days=30, limit=2, offset=2)
    assert (total, len(page), len(rest), page | rest) == (3, 2, 1, {goal_of_x, leaving, expiring})

    met = await intake.client.post(f"/api/v1/beneficiaries/{goal_of_x}/goals/{goal}/outcome",
                                   json={"outcome": "met"}, headers=headers(org=org))
    assert met.status_code == 201
    assert await ids(deadline_within_days=30) == (2, {leaving, expiring})  # a met goal is no longer due
    assert await ids(operator="op-x") == (2, {registered_by_x, goal_of_x})
    refused = await intake.client.get("/api/v1/beneficiaries", params={"deadline_within_days": -1},
                                      headers=headers(org=org))
    assert errors_of(refused) == {"query.deadline_within_days": "greater_than_equal"}


# --- wiring -----------------------------------------------------------------------------------

async def test_new_events_are_in_the_asyncapi_document_and_reach_kafka(intake: Intake):
    document = (await intake.client.get("/asyncapi.json")).text
    for event_type in ("intake.beneficiary_enrolled_in_project",
                       "intake.assessment_recorded", "intake.plan_agreed", "intake.goal_outcome_recorded",
                       "intake.path_status_changed", "intake.intervention_recorded", "intake.course_enrolled",
                       "intake.course_completed", "intake.beneficiary_erased"):
        assert f"{event_type}:publish" in document
    async def published() -> bool:
        return await intake.fetchval("SELECT count(*) FROM outbox_pending") == 0

    await eventually(published, what="every event published", every_s=0.2)
    assert await intake.fetchval("SELECT count(*) FROM outbox") > 20
