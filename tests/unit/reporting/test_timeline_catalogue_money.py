"""A person's timeline in words; the indicator files as data; spending against budget."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
import yaml

from reporting.adapters.indicator_files import DATA, load_catalogue
from reporting.domain.access import ProjectInfo, Viewer
from reporting.domain.asof import as_of_instant
from reporting.domain.facts import Fact
from reporting.domain.indicators import Period
from reporting.domain.timeline import describe
from reporting.entrypoints import http, http_admin
from reporting.entrypoints.schemas import BudgetAsOfOut, ProjectIn, ProjectOut, SpendingOut
from reporting.service_layer.projects import RegisterProject, project_budget, project_spending, register_project
from reporting.service_layer.reports import ReportCommand
from reporting.service_layer.timeline import TimelineQuery, person_timeline
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound, RuleViolation
from tests.reporting_scenario import Scenario
from tests.unit.reporting.scenarios import coop_a
from tests.unit.reporting.support import CATALOGUE, in_memory

pytestmark = pytest.mark.unit
LEAD_ADMIN = Viewer("admin", "coop-a")  # an admin of the projects' lead


async def test_a_timeline_tells_every_service_s_events_in_order_in_words():
    scenario, people = coop_a()
    service, _ = await in_memory(scenario.events)
    body = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), people["a3"]))
    words = [e["words"] for e in body["events"]]
    assert words[0] == "Presa in carico (SAI), progetto P1."
    assert "Proposto un alloggio: Coabitazione." in words
    assert "Ingresso nell'alloggio: Coabitazione." in words
    assert "Anticipo d'affitto: Pagato, 1800.00 euro." in words
    assert "Assunzione: Tempo indeterminato, settore I - Alloggio e ristorazione." in words
    assert words[-1] == "Uscita dall'alloggio (Coabitazione): Casa autonoma."
    dates = [e["occurred_on"] for e in body["events"]]
    assert dates == sorted(dates)
    assert {e["producer"] for e in body["events"]} == {"intake", "housing", "employment"}
    english = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), people["a3"], language="en"))
    assert english["events"][0]["words"] == "Taken in charge (SAI), project P1."


async def test_a_timeline_as_of_a_date_and_only_for_the_own_organisation():
    scenario, people = coop_a()
    service, _ = await in_memory(scenario.events)
    early = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), people["a2"],
                                                         as_of=date(2025, 4, 30)))
    assert [e["event_type"] for e in early["events"]][-2:] == ["employment.proposal_made",
                                                               "employment.stage_changed"]  # 04-20, 04-25
    assert "intake.intervention_corrected" not in {e["event_type"] for e in early["events"]}
    with pytest.raises(NotFound):
        await person_timeline(service, TimelineQuery(Viewer("operator", "coop-b"), people["a2"]))
    admin = await person_timeline(service, TimelineQuery(Viewer("admin", "coop-a"), people["a2"]))
    assert len(admin["events"]) > len(early["events"])


async def test_a_timeline_carries_no_personal_data():
    scenario, people = coop_a()
    service, _ = await in_memory(scenario.events)
    body = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), people["a1"]))
    personal = {"first_name", "last_name", "fiscal_code", "birth_date", "contacts", "address", "permit", "skills"}

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert not keys(body) & personal


def test_every_set_file_loads_and_names_real_events(tmp_path: Path):
    assert set(CATALOGUE.sets) == {"social_report", "fami_amif", "esf", "foundation_example"}
    for indicator in CATALOGUE.all_indicators().values():
        assert indicator.label.it and indicator.label.en and indicator.definition.it and indicator.definition.en


def test_every_definition_names_the_events_that_take_people_out_of_its_count():
    """A funder reads the definition, not the rule: women_inactive left out, unsaid, every woman enrolled in an
    intake course (an Italian course among them)."""
    for name, indicator in CATALOGUE.all_indicators().items():
        without = indicator.rule.without
        for event in without.events if without is not None else ():
            for lang in ("it", "en"):
                assert event in getattr(indicator.definition, lang), (name, lang, event)


async def test_adding_a_set_is_a_data_change(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "indicator_sets" / "prefecture.yaml").write_text(yaml.safe_dump({
        "id": "prefecture", "title": {"it": "Prefettura", "en": "Prefecture"},
        "description": {"it": "Accoglienza", "en": "Reception"},
        "indicators": ["people_active", "housing_placements"]}))
    library = yaml.safe_load((data / "indicators.yaml").read_text())
    library["minors_taken_in_charge"] = {
        "label": {"it": "Minori presi in carico", "en": "Minors taken in charge"},
        "definition": {"it": "Minori (under_18) presi in carico nel periodo.",
                       "en": "Minors (under_18) taken in charge in the period."},
        "unit": "people", "rule": {"measure": "people", "events": ["intake.beneficiary_registered"],
                                   "person": {"age_band": ["under_18"]}}}
    (data / "indicators.yaml").write_text(yaml.safe_dump(library, allow_unicode=True))
    prefecture = data / "indicator_sets" / "prefecture.yaml"
    raw = yaml.safe_load(prefecture.read_text())
    raw["indicators"].append("minors_taken_in_charge")
    prefecture.write_text(yaml.safe_dump(raw))
    catalogue = load_catalogue(data)
    assert [i.id for i in catalogue.set("prefecture").indicators] == [
        "people_active", "housing_placements", "minors_taken_in_charge"]
    scenario, _ = coop_a()
    service, _ = await in_memory(scenario.events)
    service = type(service)(service.uow, catalogue, service.protector, service.clock)
    doc = await service.report(ReportCommand(Viewer("operator", "coop-a"), "prefecture", Period.year(2025),
                                             date(2026, 2, 1)))
    assert {f["indicator"]: f["total"] for f in doc["figures"]} == {
        "people_active": 7, "housing_placements": 2, "minors_taken_in_charge": 1}


def test_a_bad_set_file_is_refused_naming_it(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "indicator_sets" / "broken.yaml").write_text(yaml.safe_dump({
        "id": "broken", "title": {"it": "x", "en": "x"}, "description": {"it": "x", "en": "x"},
        "indicators": ["no_such_indicator"]}))
    with pytest.raises(ValueError, match="set broken"):
        load_catalogue(data)
    library = yaml.safe_load((DATA / "indicators.yaml").read_text())
    library["people_active"]["rule"]["events"] = ["intake.no_such_event"]
    shutil.rmtree(data)
    shutil.copytree(DATA, data)
    (data / "indicators.yaml").write_text(yaml.safe_dump(library, allow_unicode=True))
    with pytest.raises(ValueError, match="unknown event types"):
        load_catalogue(data)


async def test_spending_against_budget_by_work_package_and_line_in_exact_euros():
    scenario, _ = coop_a()
    service, _ = await in_memory(scenario.events)
    await register_project(replace(service, clock=lambda: datetime(2025, 1, 1, tzinfo=UTC)), RegisterProject(LEAD_ADMIN,
        "P1", "fami", "Rifugiato Cittadino", "coop-a", (), (
            ("social", "staff", Decimal("1000.00")), ("housing", "rent_advances", Decimal("5000")),
            ("work", "allowances_and_bursaries", Decimal("1400.00")))))
    report = await project_spending(service, Viewer("funder", "fami"), "P1", date(2026, 2, 1))
    lines = {(x["work_package"], x["budget_line"]): (x["budget_eur"], x["spent_eur"], x["left_eur"])
             for x in report["lines"]}
    sources = {(x["work_package"], x["budget_line"]): x["sources"] for x in report["lines"]}
    assert sources[("housing", "rent_advances")] == ["housing.support_changed kind=rent_advance category=paid"]
    assert sources[("work", "allowances_and_bursaries")] == ["employment.payment_made"]
    assert "employment.payment_made" in report["definition"] and report["definition"].startswith("Speso")
    assert lines == {
        ("social", "staff"): ("1000.00", "140.00", "860.00"),  # 50 + 30 + 60 (a2's corrected mediation)
        ("work", "staff"): ("0.00", "40.00", "-40.00"),
        ("housing", "rent_advances"): ("5000.00", "1800.00", "3200.00"),  # only the paid step
        ("housing", "contributions"): ("0.00", "350.50", "-350.50"),
        ("work", "allowances_and_bursaries"): ("1400.00", "1400.00", "0.00"),
    }
    assert report["spent_eur"] == "3730.50" and report["budget_eur"] == "7400.00"
    assert report["budget_version"] == 1 and report["budget_recorded_at"] == "2025-01-01T00:00:00+00:00"
    before = await project_spending(service, Viewer("admin", "coop-a"), "P1", date(2025, 6, 30))
    # 50 + 30 + 30 (a2's mediation before its correction) + 40, and a2's June allowance of 500; the
    # advance and the other payments came later
    assert before["spent_eur"] == "650.00"
    with pytest.raises(Forbidden):
        await project_spending(service, Viewer("funder", "other-funder"), "P1", None)
    assert ProjectInfo("P1", "fami", "coop-a", ()) == await service.uow().projects.get("P1")


async def test_spending_as_of_a_date_is_set_against_the_budget_version_in_force_then():
    """v1 PUT in May 2025, v2 (replacing it whole) in December: as of April there was no budget, as of
    June 30 the spending recorded by then stands against v1, as of now everything against v2."""
    scenario, _ = coop_a()
    service, _ = await in_memory(scenario.events)

    async def put(on: datetime, *budget: tuple[str, str, Decimal]) -> dict:
        project, version = await register_project(replace(service, clock=lambda: on), RegisterProject(LEAD_ADMIN,
            "P1", "fami", "Rifugiato Cittadino", "coop-a", (), budget))
        return {"version": version.version, "recorded_at": version.recorded_at}

    v1 = await put(datetime(2025, 5, 1, 8, tzinfo=UTC), ("social", "staff", Decimal("200.00")),
                   ("work", "allowances_and_bursaries", Decimal("600")))
    v2 = await put(datetime(2025, 12, 1, 8, tzinfo=UTC), ("social", "staff", Decimal("1000.00")),
                   ("housing", "rent_advances", Decimal("5000")), ("work", "allowances_and_bursaries",
                                                                  Decimal("1400.00")))
    assert (v1["version"], v2["version"]) == (1, 2)

    def table(report: dict) -> dict:
        return {(x["work_package"], x["budget_line"]): (x["budget_eur"], x["spent_eur"], x["left_eur"])
                for x in report["lines"]}

    admin = Viewer("admin", "coop-a")
    april = await project_spending(service, admin, "P1", date(2025, 4, 30))
    # before the first PUT: spending is known (a1's 50 + 30, a2's mediation 30), the budget is not
    assert (april["budget_eur"], april["budget_version"], april["budget_recorded_at"]) == (None, None, None)
    assert table(april) == {("social", "staff"): (None, "110.00", None)}
    assert SpendingOut.model_validate(april).budget_eur is None  # the route's answer carries the null
    june = await project_spending(service, admin, "P1", date(2025, 6, 30))
    assert (june["budget_eur"], june["budget_version"]) == ("800.00", 1)
    assert june["budget_recorded_at"] == "2025-05-01T08:00:00+00:00"
    assert table(june) == {
        ("social", "staff"): ("200.00", "110.00", "90.00"),  # 50 + 30 + 30, a2's mediation not yet corrected
        ("work", "staff"): ("0.00", "40.00", "-40.00"),
        ("work", "allowances_and_bursaries"): ("600.00", "500.00", "100.00"),  # a2's June allowance
    }
    now = await project_spending(service, admin, "P1", None)
    assert (now["budget_eur"], now["budget_version"], now["spent_eur"]) == ("7400.00", 2, "3730.50")
    assert table(now)[("social", "staff")] == ("1000.00", "140.00", "860.00")
    assert table(now)[("housing", "rent_advances")] == ("5000.00", "1800.00", "3200.00")
    # the budget as it stood, read on its own
    assert BudgetAsOfOut.model_validate(await project_budget(service, admin, "P1", date(2025, 4, 30))).budget is None
    kept = (await project_budget(service, admin, "P1", date(2025, 6, 30)))["budget"]
    assert kept == {"version": 1, "recorded_at": "2025-05-01T08:00:00+00:00", "budget_eur": "800.00", "lines": [
        {"work_package": "social", "budget_line": "staff", "amount_eur": "200.00"},
        {"work_package": "work", "budget_line": "allowances_and_bursaries", "amount_eur": "600.00"}]}
    assert (await project_budget(service, admin, "P1", None))["budget"]["version"] == 2


async def test_a_budget_line_given_twice_is_refused_naming_it():
    service, _ = await in_memory([])
    with pytest.raises(RuleViolation) as refused:
        await register_project(service, RegisterProject(LEAD_ADMIN, "P1", "fami", "t", "coop-a", (), (
            ("work", "staff", Decimal("10")), ("housing", "staff", Decimal("5")), ("work", "staff", Decimal("1")))))
    assert (refused.value.field, refused.value.rule) == ("budget.2", "duplicate_budget_line")
    assert await service.uow().projects.get("P1") is None  # nothing half-stored


async def test_the_routes_answer_each_version_in_their_schemas():
    """The PUT and the reads as the routes build them (no server: the route functions themselves),
    validated by their response models: the version a PUT recorded, and null before the first."""
    service, _ = await in_memory([])
    admin = Principal("admin-1", Role.admin, "coop-a")
    body = ProjectIn(funder="fami", title="t", lead_organisation_id="coop-a", budget=[
        {"work_package": "work", "budget_line": "staff", "amount_eur": "10.5"}])
    put = ProjectOut.model_validate(await http_admin.put_project("P1", body, admin, replace(
        service, clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))))
    assert (put.budget.version, put.budget.budget_eur, put.budget.lines[0].amount_eur) == (1, "10.50", "10.50")
    again = ProjectOut.model_validate(await http_admin.put_project("P1", body.model_copy(update={"budget": []}),
                                                                  admin, service))
    assert (again.budget.version, again.budget.budget_eur, again.budget.lines) == (2, "0.00", [])
    early = SpendingOut.model_validate(await http_admin.spending("P1", date(2024, 12, 31), "en", admin, service))
    assert (early.budget_eur, early.budget_version, early.lines) == (None, None, [])
    mid = BudgetAsOfOut.model_validate(await http_admin.budget("P1", date(2025, 3, 1), admin, service))
    assert mid.budget is not None and mid.budget.version == 1


@pytest.mark.parametrize(("hours", "written"), [("60", "60"), ("60.00", "60"), ("100", "100"), ("2.5", "2.50"),
                                                ("0", "0"), ("1E+3", "1000")])
def test_a_timeline_writes_hours_as_a_reader_would(hours, written):
    """A course of 60 hours was told "6E+1 ore" (Decimal's normalize drops the zero into an exponent)."""
    fact = Fact(uuid4(), 0, "intake.course_enrolled", datetime(2026, 9, 1, tzinfo=UTC), date(2026, 9, 1), uuid4(),
                "coop-a", kind="italian_course", quantity=Decimal(hours))
    words = describe(fact, CATALOGUE.timeline_words, CATALOGUE.labels, "it")
    assert words == f"Iscrizione a un corso: Corso di italiano ({written} ore)."


async def test_an_unknown_indicator_set_is_a_422_naming_the_field_and_the_rule():
    service, _ = await in_memory([])
    with pytest.raises(RuleViolation) as refused:
        await service.report(ReportCommand(Viewer("operator", "coop-a"), "fondazione_x", Period.year(2026)))
    assert (refused.value.field, refused.value.rule) == ("set", "unknown_indicator_set")
    assert "fami_amif" in str(refused.value)  # the sets on file are named


async def test_the_default_period_is_the_year_it_is_in_italy_not_on_the_server():
    """At 23:30 UTC on 31 December it is already the new year in Rome; the server's date.today() said
    otherwise on a machine kept in UTC."""
    service, _ = await in_memory([])
    new_year_in_rome = replace(service, clock=lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    body = await http.indicators(principal=Principal("op", Role.operator, "coop-a"), service=new_year_in_rome)
    assert body["period"] == {"start": "2027-01-01", "end": "2027-12-31"}


@pytest.mark.parametrize(("as_of", "rule"), [(date(1, 1, 1), "as_of_out_of_range"),
                                             (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                                              "as_of_out_of_range"),
                                             (date(1999, 12, 31), "as_of_out_of_range"),
                                             (date(9999, 12, 31), "as_of_in_future"),
                                             (datetime(9999, 12, 31, 23, 59), "as_of_in_future")])
def test_an_as_of_outside_the_years_reports_cover_is_a_422_not_an_overflow(as_of, rule):
    """as_of=0001-01-01 answered 500 (OverflowError converting to UTC), logged with its traceback."""
    with pytest.raises(RuleViolation) as refused:
        as_of_instant(as_of, datetime(2026, 12, 3, 12, tzinfo=UTC))
    assert (refused.value.field, refused.value.rule) == ("as_of", rule)


def test_as_of_today_is_everything_recorded_so_far_and_tomorrow_is_the_future():
    now = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)  # 23:30 in Rome
    assert as_of_instant(date(2026, 12, 3), now) == now
    assert as_of_instant(date(2026, 12, 2), now) == datetime(2026, 12, 2, 22, 59, 59, 999999, tzinfo=UTC)
    with pytest.raises(RuleViolation):
        as_of_instant(date(2026, 12, 4), now)
    # 23:30 UTC on the 3rd is already the 4th in Rome: the 4th is today there
    assert as_of_instant(date(2026, 12, 4), datetime(2026, 12, 3, 23, 30, tzinfo=UTC)) == datetime(
        2026, 12, 3, 23, 30, tzinfo=UTC)


def test_every_code_events_carry_has_its_words_in_both_languages():
    """The codes of the contracts' closed lists (age bands among them) print in words, never as codes."""
    from shared.events.contracts.people import AgeBand
    from shared.events.contracts.vocabulary import InterventionKind, PathStatus, ReasonCategory

    labels = CATALOGUE.labels
    for band in AgeBand:
        for lang in ("it", "en"):
            assert labels.code(band.value, lang, "age_band") != band.value, (band, lang)
    # a path's moves, in the timeline and in paths_closed by reason: "(motivo: plan_started)" was printed
    for vocabulary in (PathStatus, ReasonCategory, InterventionKind):
        for code in vocabulary:
            for lang in ("it", "en"):
                assert labels.code(code.value, lang) != code.value, (code, lang)
    assert labels.code("25_34", "it", "age_band") == "25-34 anni"
    assert (labels.unit("people", "it"), labels.reason("primary", "it"), labels.reason(None, "it")) == (
        "persone", "primaria", "")


def test_a_label_key_yaml_reads_as_a_number_is_refused_naming_it(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    text = (data / "labels.yaml").read_text(encoding="utf-8").replace('"25_34":', "25_34:")
    (data / "labels.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels codes: keys \[2534\]"):
        load_catalogue(data)


async def test_goals_added_to_a_plan_are_told_in_words_apart_from_the_plan():
    scenario = Scenario()
    person = scenario.person("coop-a", on="2025-02-01")
    scenario.plan(person, "2025-03-01", goals=1)
    scenario.goals_added(person, "2025-06-01", areas=("housing", "social"))
    service, _ = await in_memory(scenario.events)
    body = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), person))
    assert [e["words"] for e in body["events"]][1:] == [
        "Piano individuale concordato con 1 obiettivi.", "Obiettivi aggiunti al piano individuale: 2."]
    english = await person_timeline(service, TimelineQuery(Viewer("operator", "coop-a"), person, language="en"))
    assert english["events"][-1]["words"] == "Goals added to the individual plan: 2."
    assert english["events"][-1]["event_type"] == "intake.goals_added"
