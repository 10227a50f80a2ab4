"""Importing a caseload over HTTP on real PostgreSQL: templates, dry run, all or none, re-import by
the organisation's reference, errors per row as JSON and as the spreadsheet, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from uuid import UUID

import pytest
from openpyxl import Workbook, load_workbook

from intake.service_layer.commands_common import today_in_italy
from shared.auth import Role
from tests import personal_data
from tests.integration.intake_support import (
    PROJECT,
    Intake,
    errors_of,
    fiscal_code,
    headers,
    registration,
    running_intake,
)

pytestmark = pytest.mark.integration
ORG = "coop-import"
ADMIN = headers(Role.admin, org=ORG, sub="admin-import")
HEADER = ["reference", "first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship",
          "taken_in_charge_on", "fiscal_code", "legal_status", "reception", "household_size", "children_ages",
          "single_parent", "italian_level", "languages", "consent_date", "consent_scope", "project_ids"]
NAMES = [("Awet", "Gebremedhin"), ("Samira", "Benali"), ("Idris", "Konate"), ("Leyla", "Rahimi"),
         ("Musa", "Jallow"), ("Hawa", "Sesay")]


@pytest.fixture(scope="module")
async def intake(real_servers, topics):
    async with running_intake(real_servers, "intake_import") as running:
        await running.ensure_projects(ORG, [PROJECT])
        yield running


def person(n: int, *, ref: str | None = None, **cells: object) -> dict[str, object]:
    first, last = NAMES[n % len(NAMES)]
    sex = "F" if first in ("Samira", "Leyla", "Hawa") else "M"
    birth = date(1980, 1, 1) + timedelta(days=97 * n)
    row = {"reference": ref or f"INT-{n:04d}", "first_name": first, "last_name": f"{last}{'abcdefghij'[n % 10]}",
           "sex": sex, "birth_date": birth.strftime("%d/%m/%Y"), "birth_country": "ER", "citizenship": "ER",
           "taken_in_charge_on": (today_in_italy() - timedelta(days=30)).isoformat(), "fiscal_code": "",
           "legal_status": "refugee", "reception": "sai", "household_size": "1", "children_ages": "",
           "single_parent": "no", "italian_level": "A1", "languages": "ti;en",
           "consent_date": (today_in_italy() - timedelta(days=30)).isoformat(), "consent_scope": "processing",
           "project_ids": PROJECT}
    personal_data.record({"first_name": row["first_name"], "last_name": row["last_name"]})
    return row | cells


def as_csv(rows: list[dict[str, object]], *, delimiter: str = ",", header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in HEADER])
    return out.getvalue().encode()


def as_xlsx(rows: list[dict[str, object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h) or None for h in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(intake: Intake, content: bytes, name: str = "people.csv", **params: object):
    return await intake.client.post("/api/v1/imports/people", params=params, headers=ADMIN,
                                    files={"file": (name, content)})


async def people_count(intake: Intake) -> int:
    return await intake.fetchval("SELECT count(*) FROM beneficiaries WHERE organisation_id = $1", ORG)


async def test_templates_download_in_both_languages_and_formats(intake: Intake):
    en = await intake.client.get("/api/v1/imports/templates/people", params={"format": "csv"}, headers=ADMIN)
    assert en.status_code == 200
    header = next(csv.reader(io.StringIO(en.text)))
    assert header[:3] == ["reference", "first_name", "last_name"] and "taken_in_charge_on" in header
    it = await intake.client.get("/api/v1/imports/templates/people", params={"language": "it"}, headers=ADMIN)
    book = load_workbook(io.BytesIO(it.content), read_only=True)
    assert next(book.worksheets[0].iter_rows(values_only=True))[:3] == ("riferimento", "nome", "cognome")
    assert book.sheetnames == ["people", "guida"]
    refused = await intake.client.get("/api/v1/imports/templates/people", headers=headers(Role.operator, org=ORG))
    assert refused.status_code == 403


async def test_a_dry_run_stores_nothing_and_says_what_would_be_stored(intake: Intake):
    before, outbox_before = await people_count(intake), await intake.fetchval("SELECT count(*) FROM outbox")
    answer = await upload(intake, as_csv([person(1, ref="DRY-1"), person(2, ref="DRY-2")]), dry_run="true")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["dry_run"], body["stored"], body["rows"], body["new"], body["errors"]) == (True, False, 2, 2, [])
    assert [(i["row"], i["reference"], i["outcome"]) for i in body["items"]] == [(2, "DRY-1", "new"),
                                                                              (3, "DRY-2", "new")]
    assert await people_count(intake) == before
    assert await intake.fetchval("SELECT count(*) FROM outbox") == outbox_before


async def test_an_import_stores_every_row_sealed_with_its_event_and_a_second_import_creates_nothing(intake: Intake):
    rows = [person(n, ref=f"REAL-{n}") for n in range(10, 14)]
    rows[0]["fiscal_code"] = fiscal_code(str(rows[0]["last_name"]), str(rows[0]["first_name"]),
                                         date(1980, 1, 1) + timedelta(days=970), "M", place="Z368")
    personal_data.record({"fiscal_code": rows[0]["fiscal_code"]})
    rows[1]["children_ages"] = "4;7"
    rows[1]["household_size"] = "3"
    rows[1]["single_parent"] = "si"
    content = as_csv(rows, delimiter=";")
    first = await upload(intake, content)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["stored"], body["new"], body["invalid"]) == (True, 4, 0)
    ids = [UUID(i["beneficiary_id"]) for i in body["items"]]
    stored = await intake.fetch("SELECT beneficiary_id, personal, children, household_size, taken_in_charge_on, "
                                "registered_on FROM beneficiaries WHERE beneficiary_id = ANY($1)", ids)
    assert len(stored) == 4
    by_id = {r["beneficiary_id"]: r for r in stored}
    assert (by_id[ids[1]]["children"], by_id[ids[1]]["household_size"]) == (2, 3)
    assert by_id[ids[0]]["taken_in_charge_on"] == today_in_italy() - timedelta(days=30)
    assert all(str(rows[0]["last_name"]).encode() not in bytes(r["personal"]) for r in stored)  # sealed
    read = await intake.client.get(f"/api/v1/beneficiaries/{ids[0]}", params={"purpose": "check the import"},
                                   headers=headers(Role.admin, org=ORG))
    assert read.json()["personal"]["last_name"] == rows[0]["last_name"]
    assert read.json()["personal"]["fiscal_code"] == rows[0]["fiscal_code"]
    for beneficiary_id in ids:
        assert await intake.event_types(beneficiary_id) == ["intake.beneficiary_registered"]

    again = await upload(intake, content)
    assert again.status_code == 201, again.text
    body = again.json()
    assert (body["new"], body["already_imported"]) == (0, 4)
    assert [UUID(i["beneficiary_id"]) for i in body["items"]] == ids
    assert await intake.fetchval("SELECT count(*) FROM beneficiaries WHERE beneficiary_id = ANY($1)", ids) == 4


async def test_one_bad_row_stores_none_and_each_error_names_row_column_and_rule(intake: Intake):
    before = await people_count(intake)
    rows = [person(20, ref="BAD-0"), person(21, ref="BAD-1", birth_date="31/02/1990"),
            person(22, ref="BAD-2", legal_status="tourist", italian_level="Z9"),
            person(23, ref="BAD-3", taken_in_charge_on=(today_in_italy() + timedelta(days=3)).isoformat()),
            person(24, ref="BAD-4", project_ids="NOPE-1"),
            person(25, ref="BAD-5", taken_in_charge_on=(today_in_italy() - timedelta(days=400)).isoformat(),
                   consent_date=(today_in_italy() - timedelta(days=400)).isoformat()),
            person(26, ref="BAD-0")]
    answer = await upload(intake, as_csv(rows))
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (body["stored"], body["new"], body["invalid"]) == (False, 1, 6)  # row 2 would be new: none stored
    found = {(e["row"], e["column"], e["rule"]) for e in body["errors"]}
    assert found == {
        (3, "birth_date", "date_format"),
        (4, "legal_status", "enum"), (4, "italian_level", "enum"),
        (5, "taken_in_charge_on", "date_in_future"),
        (6, "project_ids", "unknown_project"),
        (7, "taken_in_charge_on", "taken_in_charge_before_project"),
        (8, "reference", "repeated_in_file"),
    }
    assert await people_count(intake) == before


async def test_duplicates_in_the_file_and_against_people_registered_are_reported_as_registration_does(
    intake: Intake,
):
    body = registration(first_name="Tesfay", last_name="Kidane")
    await intake.ensure_projects(ORG, body["project_ids"])
    registered = await intake.register(body, org=ORG)
    already = person(30, ref="DUP-1", first_name="Tesfay", last_name="Kidane",
                     birth_date=date.fromisoformat(body["birth_date"]).strftime("%d/%m/%Y"), birth_country="SO")
    twin = person(31, ref="DUP-2")
    twin_again = person(31, ref="DUP-3")
    answer = await upload(intake, as_csv([already, twin, twin_again]), dry_run="true")
    assert answer.status_code == 422
    result = answer.json()
    assert {(e["row"], e["rule"]) for e in result["errors"]} == {(2, "possible_duplicate"), (4, "repeated_in_file")}
    assert result["matches"] == [{"row": 2, "beneficiary_id": str(registered),
                                  "reasons": ["same name, birth date and country"],
                                  "link": f"/api/v1/beneficiaries/{registered}/projects"}]


async def test_xlsx_import_and_the_errors_spreadsheet(intake: Intake):
    rows = [person(40, ref="X-1"), person(41, ref="X-2", sex="Q")]
    answer = await upload(intake, as_xlsx(rows), name="caseload.xlsx", dry_run="true", report="spreadsheet")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).worksheets[0]
    report = list(sheet.iter_rows(values_only=True))
    assert report[0][-1] == "errors" and report[0][:2] == ("reference", "first_name")
    assert report[1][-1] in (None, "")
    assert "sex:" in report[2][-1] and "(enum)" in report[2][-1]
    fixed = await upload(intake, as_xlsx([rows[0], person(41, ref="X-2")]), name="caseload.xlsx")
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["new"] == 2


async def test_the_csv_errors_file_keeps_every_row_and_adds_the_column(intake: Intake):
    rows = [person(50, ref="C-1", household_size="zero"), person(51, ref="C-2")]
    answer = await upload(intake, as_csv(rows), report="spreadsheet", language="it")
    assert answer.status_code == 422
    lines = list(csv.reader(io.StringIO(answer.content.decode())))
    assert lines[0][-1] == "errori" and len(lines) == 3
    assert lines[1][-1].startswith("household_size: 'zero' is not a whole number (int_format)")
    assert lines[2][-1] == ""


async def test_italian_headers_and_file_level_refusals(intake: Intake):
    italian = ["riferimento", "nome", "cognome", "sesso", "data_nascita", "paese_nascita", "cittadinanza",
               "data_presa_in_carico", "codice_fiscale", "status_giuridico", "accoglienza", "nucleo_numero",
               "eta_figli", "genitore_solo", "livello_italiano", "lingue", "data_consenso", "consenso_finalita",
               "progetti"]
    answer = await upload(intake, as_csv([person(60, ref="IT-1")], header=italian), dry_run="true")
    assert answer.status_code == 200, answer.text
    unknown = await upload(intake, as_csv([person(61)], header=[*HEADER[:-1], "colour"]))
    assert errors_of(unknown) == {"header.colour": "unknown_column", "header.project_ids": "missing_column"}
    assert errors_of(await upload(intake, b"")) == {"file": "empty_file"}
    assert errors_of(await upload(intake, b"PK\x03\x04garbage", name="x.xlsx")) == {"file": "unreadable_file"}
    assert errors_of(await upload(intake, "\udcff".encode("utf-8", "surrogateescape") * 3 + b"\n")) == {
        "file": "unreadable_file"}


INTERVENTIONS = ["reference", "person_reference", "kind", "date", "duration_minutes", "hours", "operator_id",
                 "project_id", "cost_eur"]


def intervention_csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INTERVENTIONS)
    for r in rows:
        writer.writerow([r.get(h, "") for h in INTERVENTIONS])
    return out.getvalue().encode()


def intervention(ref: str, person_ref: str, **cells: object) -> dict[str, object]:
    return {"reference": ref, "person_reference": person_ref, "kind": "job_orientation",
            "date": (today_in_italy() - timedelta(days=20)).isoformat(), "duration_minutes": "60",
            "operator_id": "op-7", "project_id": PROJECT} | cells


async def upload_interventions(intake: Intake, content: bytes, **params: object):
    return await intake.client.post("/api/v1/imports/interventions", params=params, headers=ADMIN,
                                    files={"file": ("interventions.csv", content)})


async def test_interventions_come_in_for_imported_people_all_or_none_and_once(intake: Intake):
    people = await upload(intake, as_csv([person(70, ref="P-70"), person(71, ref="P-71")]))
    assert people.status_code == 201, people.text
    ids = {i["reference"]: UUID(i["beneficiary_id"]) for i in people.json()["items"]}
    good = [intervention("I-1", "P-70"),
            intervention("I-2", "P-71", kind="intercultural_mediation", hours="1.5", cost_eur="12.50")]
    bad = [*good, intervention("I-3", "NOBODY"),
           intervention("I-4", "P-70", date=(today_in_italy() - timedelta(days=200)).isoformat()),
           intervention("I-5", "P-70", project_id="ESF-77"), intervention("I-1", "P-71"),
           intervention("I-6", "P-70", kind="intercultural_mediation")]
    refused = await upload_interventions(intake, intervention_csv(bad))
    assert refused.status_code == 422
    assert [i.get("intervention_id") for i in refused.json()["items"][:2]] == [None, None]  # nothing was stored
    assert {(e["row"], e["column"], e["rule"]) for e in refused.json()["errors"]} == {
        (4, "person_reference", "unknown_person"), (5, "date", "outside_project_period"),
        (6, "project_id", "project_not_enrolled"), (7, "reference", "repeated_in_file"),
        (8, "hours", "mediation_needs_hours")}
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = ANY($1)",
                                 list(ids.values())) == 0
    dry = await upload_interventions(intake, intervention_csv(good), dry_run="true")
    assert (dry.status_code, dry.json()["new"], dry.json()["stored"]) == (200, 2, False)
    assert [(i.get("intervention_id"), UUID(i["beneficiary_id"])) for i in dry.json()["items"]] == [
        (None, ids["P-70"]), (None, ids["P-71"])]
    stored = await upload_interventions(intake, intervention_csv(good))
    assert stored.status_code == 201, stored.text
    assert [(i["reference"], UUID(i["beneficiary_id"])) for i in stored.json()["items"]] == [
        ("I-1", ids["P-70"]), ("I-2", ids["P-71"])]
    assert (await intake.event_types(ids["P-71"]))[-1] == "intake.intervention_recorded"
    mediation = await intake.fetchrow("SELECT hours::text, cost_eur::text FROM interventions WHERE beneficiary_id = $1",
                                      ids["P-71"])
    assert tuple(mediation) == ("1.50", "12.50")
    again = await upload_interventions(intake, intervention_csv(good))
    assert (again.status_code, again.json()["new"], again.json()["already_imported"]) == (201, 0, 2)
    assert await intake.fetchval("SELECT count(*) FROM interventions WHERE beneficiary_id = ANY($1)",
                                 list(ids.values())) == 2


COURSES = ["course_reference", "kind", "title", "project_id", "start_date", "end_date", "hours", "person_reference",
           "enrolled_on", "completed_on", "level_reached"]


def course_csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COURSES)
    for r in rows:
        writer.writerow([r.get(h, "") for h in COURSES])
    return out.getvalue().encode()


def enrolment(person_ref: str, ref: str = "C-IT-A2", **cells: object) -> dict[str, object]:
    return {"course_reference": ref, "kind": "italian_course", "title": "Italiano A2 serale", "project_id": PROJECT,
            "start_date": (today_in_italy() - timedelta(days=60)).isoformat(),
            "end_date": (today_in_italy() - timedelta(days=10)).isoformat(), "hours": "120",
            "person_reference": person_ref} | cells


async def test_courses_and_enrolments_come_in_once_each_with_their_events(intake: Intake):
    people = await upload(intake, as_csv([person(80, ref="P-80"), person(81, ref="P-81")]))
    assert people.status_code == 201, people.text
    ids = {i["reference"]: UUID(i["beneficiary_id"]) for i in people.json()["items"]}
    rows = [enrolment("P-80", completed_on=(today_in_italy() - timedelta(days=10)).isoformat(), level_reached="A2"),
            enrolment("P-81")]
    bad = [*rows, enrolment("P-81", title="Italiano B1"), enrolment("NOBODY", ref="C-2"),
           enrolment("P-80", ref="C-3", kind="job_orientation"),
           enrolment("P-80", ref="C-4", start_date=(today_in_italy() - timedelta(days=300)).isoformat())]
    refused = await intake.client.post("/api/v1/imports/courses", headers=ADMIN,
                                       files={"file": ("courses.csv", course_csv(bad))})
    assert refused.status_code == 422, refused.text
    assert {(e["row"], e["column"], e["rule"]) for e in refused.json()["errors"]} == {
        (4, "title", "course_differs"), (5, "person_reference", "unknown_person"),
        (6, "kind", "not_a_course_kind"), (7, "start_date", "outside_project_period")}
    assert await intake.fetchval("SELECT count(*) FROM courses WHERE organisation_id = $1", ORG) == 0
    stored = await intake.client.post("/api/v1/imports/courses", headers=ADMIN,
                                      files={"file": ("courses.csv", course_csv(rows))})
    assert stored.status_code == 201, stored.text
    assert await intake.fetchval("SELECT count(*) FROM courses WHERE organisation_id = $1", ORG) == 1
    assert (await intake.event_types(ids["P-80"]))[-2:] == ["intake.course_enrolled", "intake.course_completed"]
    assert await intake.fetchval("SELECT italian_level FROM beneficiaries WHERE beneficiary_id = $1",
                                 ids["P-80"]) == "A2"
    again = await intake.client.post("/api/v1/imports/courses", headers=ADMIN,
                                     files={"file": ("courses.csv", course_csv(rows))})
    assert (again.status_code, again.json()["new"], again.json()["already_imported"]) == (201, 0, 2)
    assert await intake.fetchval("SELECT count(*) FROM course_enrolments e JOIN courses c USING (course_id) "
                                 "WHERE c.organisation_id = $1", ORG) == 2


async def test_the_work_status_column_comes_in_checked_and_a_bad_value_stores_no_row(intake: Intake):
    def csv_with_status(rows: list[dict[str, object]], status_header: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*HEADER, status_header])
        for r in rows:
            writer.writerow([*(r.get(h, "") for h in HEADER), r.get("work_status", "")])
        return out.getvalue().encode()

    # person(61) is Leyla (F), person(62) Musa (M), person(63) Hawa (F)
    rows = [person(61, ref="WS-1", work_status="inactive"), person(62, ref="WS-2", work_status="inactive"),
            person(63, ref="WS-3")]
    before, outbox_before = await people_count(intake), await intake.fetchval("SELECT count(*) FROM outbox")
    refused = await upload(intake, csv_with_status([*rows, person(64, ref="WS-4", work_status="unemployed")],
                                                   "work_status"))
    assert refused.status_code == 422, refused.text
    assert [(e["row"], e["column"], e["field"], e["rule"]) for e in refused.json()["errors"]] == [
        (5, "work_status", "work_status", "enum")]
    assert await people_count(intake) == before  # the three good rows were not kept either
    assert await intake.fetchval("SELECT count(*) FROM outbox") == outbox_before

    stored = await upload(intake, csv_with_status(rows, "condizione_lavorativa"))  # the Italian header
    assert stored.status_code == 201, stored.text
    ids = [UUID(i["beneficiary_id"]) for i in stored.json()["items"]]
    statuses = await intake.fetch(
        "SELECT beneficiary_id, work_status FROM beneficiaries WHERE beneficiary_id = ANY($1)", ids)
    assert {r["beneficiary_id"]: r["work_status"] for r in statuses} == dict(
        zip(ids, ["inactive", "inactive", None], strict=True))
    told = [[e.payload["women_inactive"] for e in await intake.events(i)
             if e.event_type == "intake.beneficiary_registered"] for i in ids]
    assert told == [[True], [False], [None]]
