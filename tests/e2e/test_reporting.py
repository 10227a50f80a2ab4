"""Reporting as its users meet it over HTTP: an organisation's social report as a file, a funder's
project report with small counts withheld, a person's timeline in words, and a rebuild of the
projections while the service keeps answering, with the same figures after."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from pypdf import PdfReader

from shared.auth import Role
from tests.e2e.conftest import token
from tests.e2e.people import registration
from tests.e2e.test_thin_slice import people_taken_in_charge, register, wait_for

pytestmark = pytest.mark.e2e
ORG = "coop-reporting"
PROJECT = "FAMI-REP-001"


async def test_reports_files_roles_timeline_and_rebuild(services, http, registered_personal_data):
    base = f"{services['reporting']}/api/v1"
    people = [registration("Idil", "Abdi", "F", date(1994, 2, 2), project_ids=[PROJECT]),
              registration("Nasra", "Yusuf", "F", date(1990, 6, 6), project_ids=[PROJECT]),
              registration("Omar", "Ali", "M", date(1988, 9, 9), project_ids=[PROJECT])]
    ids = [(await register(http, services, p, registered_personal_data, org=ORG))["beneficiary_id"] for p in people]
    operator, admin_here = token(Role.operator, ORG), token(Role.admin, ORG)
    project = {"funder": "fami", "title": "Rifugiato Cittadino", "lead_organisation_id": ORG, "partners": [],
               "budget": [{"work_package": "work", "budget_line": "staff", "amount_eur": "1000.00"}]}
    assert (await http.put(f"{base}/projects/{PROJECT}", json=project, headers=operator)).status_code == 403
    put = await http.put(f"{base}/projects/{PROJECT}", json=project, headers=token(Role.admin, ORG))
    assert put.status_code == 200, put.text
    # another organisation's admin neither takes the project over nor registers one in this one's name
    outsider = token(Role.admin, "coop-x")
    taken = await http.put(f"{base}/projects/{PROJECT}", headers=outsider,
                           json=project | {"funder": "x-funder", "lead_organisation_id": "coop-x", "partners": [ORG]})
    assert taken.status_code == 403 and taken.json()["errors"][0]["rule"] == "forbidden", taken.text
    named = await http.put(f"{base}/projects/{PROJECT}-X", json=project, headers=outsider)
    assert named.status_code == 403, named.text
    # bad bodies are refused naming the field and the rule, and record no version
    for body, field, rule in ((project | {"partner": ["coop-b"]}, "partner", "extra_forbidden"),
                              (project | {"partners": [ORG]}, "partners.0", "lead_among_partners"),
                              (project | {"partners": ["coop-b", "coop-b"]}, "partners.1", "duplicate_partner")):
        refused = await http.put(f"{base}/projects/{PROJECT}", json=body, headers=admin_here)
        assert refused.status_code == 422, refused.text
        assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [(field, rule)]
    assert (await http.get(f"{base}/projects/{PROJECT}/budget", headers=operator)).json()["budget"]["version"] == 1

    async def three():
        return (await people_taken_in_charge(http, services, operator)).get(None) == 3

    await wait_for(three)
    year = date.today().year
    # a date is the end of that day in Italy: today's registrations count as of today, none as of yesterday
    today = datetime.now(ZoneInfo("Europe/Rome")).date()
    for day, expected in ((today, 3), (today - timedelta(days=1), 0)):
        counted = await http.get(f"{base}/indicators", headers=operator, params={
            "indicator": "people_taken_in_charge_new", "as_of": day.isoformat(),
            "start": f"{today.year - 1}-01-01", "end": f"{today.year}-12-31"})
        assert counted.status_code == 200, counted.text
        assert counted.json()["figures"][0]["total"] == expected, (day, counted.json()["as_of"])
    for day in ("0001-01-01", "9999-12-31"):
        refused = await http.get(f"{base}/reports/social", params={"year": year, "as_of": day}, headers=operator)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "as_of", refused.text
    xlsx = await http.get(f"{base}/reports/social", params={"year": year, "format": "xlsx"}, headers=operator)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Indicatori"]
    totals = {r[0]: r[5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "Totale" and r[2] == "tutte"}
    assert totals["people_taken_in_charge_new"] == 3
    pdf = await http.get(f"{base}/reports/social", params={"year": year, "format": "pdf", "lang": "en"},
                         headers=operator)
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "People taken in charge in the period" in text and "all Total 3" in text

    # the funder's report on the project: 3 people, every cell behind fewer than 5 withheld, and why
    funder = await http.get(f"{base}/reports/projects/{PROJECT}", headers=token(Role.funder, "fami"),
                            params={"start": f"{year}-01-01", "end": f"{year}-12-31"})
    assert funder.status_code == 200, funder.text
    body = funder.json()
    assert body["suppression"]["applied"] and body["suppression"]["withheld"]
    participants = next(f for f in body["figures"] if f["indicator"] == "project_participants_new")
    assert participants["total"] is None and participants["total_withheld"] == "primary"
    # another organisation's admin reads neither this project nor this organisation; its own report holds nobody
    for path, params in ((f"reports/projects/{PROJECT}", {"start": f"{year}-01-01", "end": f"{year}-12-31"}),
                         ("reports/social", {"year": year, "organisation_id": ORG})):
        refused = await http.get(f"{base}/{path}", params=params, headers=outsider)
        assert refused.status_code == 403, refused.text
    own = (await http.get(f"{base}/reports/social", params={"year": year}, headers=outsider)).json()
    assert own["subject"] == {"organisation_id": "coop-x"}
    assert next(f for f in own["figures"] if f["indicator"] == "people_taken_in_charge_new")["total"] == 0
    other = await http.get(f"{base}/reports/projects/{PROJECT}", headers=token(Role.funder, "another-funder"),
                           params={"start": f"{year}-01-01", "end": f"{year}-12-31"})
    assert other.status_code == 403 and other.json()["errors"][0]["rule"] == "forbidden"
    bad = await http.get(f"{base}/reports/projects/{PROJECT}", headers=operator,
                         params={"start": f"{year}-12-31", "end": f"{year}-01-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period_end"
    unknown = await http.get(f"{base}/reports/projects/{PROJECT}", headers=operator,
                             params={"start": f"{year}-01-01", "end": f"{year}-12-31", "set": "fse_2014"})
    assert unknown.status_code == 422, unknown.text
    (error,) = unknown.json()["errors"]
    assert (error["field"], error["rule"]) == ("set", "unknown_indicator_set")

    # the timeline in words, for the person's own organisation only
    timeline = (await http.get(f"{base}/beneficiaries/{ids[0]}/timeline", headers=operator)).json()
    assert timeline["events"][0]["words"].startswith("Presa in carico")
    elsewhere = await http.get(f"{base}/beneficiaries/{ids[0]}/timeline", headers=token(Role.operator, "coop-x"))
    assert elsewhere.status_code == 404 and [(e["field"], e["rule"]) for e in elsewhere.json()["errors"]] == [
        ("path.beneficiary_id", "not_found")], elsewhere.text
    span = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    for path, params, field in ((f"reports/projects/{PROJECT}-NONE", span, "path.project_id"),
                                ("indicators", {"set": "fami_amif", "project_id": f"{PROJECT}-NONE"},
                                 "query.project_id")):
        none = await http.get(f"{base}/{path}", params=params, headers=operator)
        assert none.status_code == 404 and [(e["field"], e["rule"]) for e in none.json()["errors"]] == [
            (field, "not_found")], none.text
    assert (await http.get(f"{base}/beneficiaries/{ids[0]}/timeline", headers=outsider)).status_code == 404
    assert (await http.get(f"{base}/beneficiaries/{ids[0]}/timeline", headers=admin_here)).status_code == 200

    # a rebuild from the topics' start while reports keep answering; the same figures after
    before = (await http.get(f"{base}/reports/social", params={"year": year}, headers=operator)).json()
    admin = token(Role.admin, ORG)
    rebuilding = asyncio.create_task(http.post(f"{base}/admin/rebuild", headers=admin, timeout=120))
    answered = 0
    while not rebuilding.done():
        during = await http.get(f"{base}/reports/social", params={"year": year}, headers=operator)
        assert during.status_code == 200
        answered += 1
        await asyncio.sleep(0.05)
    rebuilt = await rebuilding
    assert rebuilt.status_code == 200, rebuilt.text
    assert rebuilt.json()["generation"] >= 2 and answered >= 1
    after = (await http.get(f"{base}/reports/social", params={"year": year}, headers=operator)).json()
    assert [f["cells"] for f in after["figures"]] == [f["cells"] for f in before["figures"]]
    states = (await http.get(f"{base}/admin/generations", headers=admin)).json()["items"]
    assert [g["state"] for g in states if g["state"] != "retired"] == ["active"]
