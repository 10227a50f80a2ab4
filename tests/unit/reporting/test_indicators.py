"""Every indicator of every set on the hand-computed scenario of tests/unit/reporting/scenarios.py.

The scenario (coop-a, project P1): eight people. a1 F 25-34 refugee (2025-02-01), a2 F 18-24 asylum
seeker (2025-03-10; corrected to 25-34 on 2025-08-01), a3 M 25-34 refugee (2025-04-05), a4 M 35-44
subsidiary protection in LT (2025-05-20), a5 M under 18 unaccompanied minor (2025-06-01), a6 M 25-34
refugee (2024-11-15; erased 2025-09-01), a7 F 45-54 refugee (2024-06-01; autonomy reached with
autonomous housing on 2024-12-01), a8 M 18-24 refugee taken in charge 2025-11-20 but recorded only on
2026-01-10."""

from __future__ import annotations

from datetime import date

import pytest

from reporting.domain.access import ProjectInfo, Viewer
from reporting.domain.indicators import Period
from reporting.service_layer.reports import ReportCommand
from tests.reporting_scenario import Scenario
from tests.unit.reporting.scenarios import coop_a
from tests.unit.reporting.support import CATALOGUE, figure, in_memory

pytestmark = pytest.mark.unit
OPERATOR = Viewer("operator", "coop-a")
YEAR = Period.year(2025)


async def report(set_id: str, as_of: date = date(2026, 2, 1), period: Period = YEAR, **kw) -> dict:
    scenario, _ = coop_a()
    service, _ = await in_memory(scenario.events)
    return await service.report(ReportCommand(OPERATOR, set_id, period, as_of, **kw))


async def test_people_new_active_and_since_the_start():
    doc = await report("social_report")
    new = figure(doc, "people_taken_in_charge_new")
    assert new[None] == 6  # a1 a2 a3 a4 a5 a8
    assert new[("sex", "F")] == 2 and new[("sex", "M")] == 4
    # a2's corrected age band counts (recorded 2025-08-01, before the as-of date)
    assert new[("age_band", "25_34")] == 3 and new[("age_band", "18_24")] == 1
    assert new[("age_band", "35_44")] == 1 and new[("age_band", "under_18")] == 1
    assert new[("legal_status", "refugee")] == 3 and new[("legal_status", "asylum_seeker")] == 1
    assert new[("province", "RM")] == 5 and new[("province", "LT")] == 1
    # the two-way table: a1 and a2 (corrected) women 25-34; a3 man 25-34, a4 35-44, a5 under 18, a8 18-24
    two_way = {k[1]: v for k, v in new.items() if k and k[0] == "sex*age_band"}
    assert two_way == {"F|25_34": 2, "M|25_34": 1, "M|35_44": 1, "M|under_18": 1, "M|18_24": 1}
    assert figure(doc, "people_taken_in_charge_total")[None] == 8  # a6's erasure leaves the counts standing
    active = figure(doc, "people_active")
    assert active[None] == 7  # all but a7, whose path closed before 2025
    assert active[("sex", "F")] == 2


async def test_interventions_hours_costs_with_the_correction():
    doc = await report("social_report")
    interventions = figure(doc, "interventions")
    assert interventions[None] == 6  # a6's 2024 intervention is outside; a2's corrected one counts once
    assert interventions[("kind", "intercultural_mediation")] == 2
    assert interventions[("kind", "job_orientation")] == 2
    assert interventions[("kind", "socio_legal")] == 1 and interventions[("kind", "school_support")] == 1
    assert figure(doc, "socio_legal_interventions")[None] == 1
    assert figure(doc, "job_orientation_interventions")[None] == 2
    assert figure(doc, "mediation_hours")[None] == "5.50"  # 2.5 + 3 (corrected from 1.5)
    costs = figure(doc, "intervention_costs")
    assert costs[None] == "180.00"  # 50 + 30 + 60 (corrected from 30) + 40
    assert costs[("kind", "intercultural_mediation")] == "110.00"


async def test_courses_italian_paths_goals():
    doc = await report("social_report")
    assert figure(doc, "course_enrolments")[None] == 3
    assert figure(doc, "courses_run") == {None: 3, ("kind", "italian_course"): 2, ("kind", "it_course"): 1}
    assert figure(doc, "course_enrolments")[("kind", "italian_course")] == 2
    assert figure(doc, "course_completions")[None] == 3
    assert figure(doc, "italian_improved") == {None: 1, ("sex", "F"): 1, ("age_band", "25_34"): 1,
                                               ("legal_status", "refugee"): 1, ("citizenship", "NG"): 1}
    closed = figure(doc, "paths_closed")
    assert closed[None] == 2
    assert closed[("kind", "autonomy_reached")] == 1 and closed[("kind", "interrupted")] == 1
    assert closed[("category", "employment")] == 1 and closed[("category", "stopped_attending")] == 1
    assert figure(doc, "autonomous_housing_exits")[None] == 1  # a3 left cohousing for a home; a7's was in 2024
    assert figure(doc, "goals_met_on_time") == {None: 1, ("kind", "work"): 1}  # g2 was met late


async def test_the_previous_year():
    doc = await report("social_report", period=Period.year(2024))
    assert figure(doc, "people_taken_in_charge_new")[None] == 2  # a6, a7
    assert figure(doc, "autonomous_housing_exits")[None] == 1
    assert figure(doc, "socio_legal_interventions")[None] == 1


async def test_fami_esf_and_foundation_sets():
    fami = await report("fami_amif")
    assert figure(fami, "project_participants_new")[None] == 6
    assert figure(fami, "language_course_participants")[None] == 2
    assert figure(fami, "civic_and_guidance_participants")[None] == 2  # a3, a4
    assert figure(fami, "minors_school_support")[None] == 1
    # a1, a2 and a7 were inactive when taken in charge; a1 and a2 then enrolled in courses (a2 also
    # started a traineeship): a7 is left
    assert figure(fami, "women_inactive")[None] == 1
    assert figure(fami, "qualification_recognition_applications")[None] == 1  # a1
    assert figure(fami, "qualification_recognition_results") == {None: 1, ("kind", "recognised"): 1,
                                                                  ("sex", "F"): 1}
    assert figure(fami, "skills_certifications")[None] == 1
    for empty in ("autonomous_mobility", "childcare_support", "social_cohesion_participants"):
        assert figure(fami, empty)[None] == 0
    foundation = await report("foundation_example")
    assert figure(foundation, "plans_agreed")[None] == 1
    assert figure(foundation, "plan_goals")[None] == 2  # a1's plan of two goals
    outcomes = figure(foundation, "goal_outcomes")
    assert outcomes[("category", "met_on_time")] == 1 and outcomes[("category", "met_late")] == 1
    esf = await report("esf")
    assert figure(esf, "course_completions")[None] == 3


async def test_every_indicator_of_every_set_is_in_its_report_with_its_definition():
    for set_id, indicator_set in CATALOGUE.sets.items():
        doc = await report(set_id, language="en")
        assert [f["indicator"] for f in doc["figures"]] == [i.id for i in indicator_set.indicators]
        for fig, indicator in zip(doc["figures"], indicator_set.indicators, strict=True):
            assert fig["definition"] == indicator.definition.en and fig["label"] == indicator.label.en


async def test_as_of_a_past_date_counts_only_what_was_recorded_by_then():
    end_of_year = await report("social_report", as_of=date(2025, 12, 31))
    assert figure(end_of_year, "people_taken_in_charge_new")[None] == 5  # a8 recorded in 2026
    before_correction = await report("social_report", as_of=date(2025, 6, 30))
    assert figure(before_correction, "mediation_hours")[None] == "4.00"  # 2.5 + 1.5, the correction not yet made
    assert figure(before_correction, "intervention_costs")[None] == "150.00"
    assert figure(before_correction, "interventions")[None] == 6 - 1  # a5's school support is dated 2025-07-01
    new = figure(before_correction, "people_taken_in_charge_new")
    assert new[("age_band", "18_24")] == 1 and new[("age_band", "25_34")] == 2  # a2 still 18-24
    assert figure(before_correction, "paths_closed")[None] == 0


async def test_a_correction_changes_the_figures_it_should_and_no_others():
    before = await report("social_report", as_of=date(2025, 6, 30), period=Period(start=date(2025, 1, 1),
                                                                               end=date(2025, 6, 30)))
    after = await report("social_report", as_of=date(2026, 2, 1), period=Period(start=date(2025, 1, 1),
                                                                             end=date(2025, 6, 30)))
    changed = {f["indicator"] for f, g in zip(before["figures"], after["figures"], strict=True) if f != g}
    # a2's mediation (hours, cost) and age band were corrected; a2 stopped attending in September, a3's
    # status moved in October: outside the half year. Course completions dated in July: outside too.
    assert changed == {"mediation_hours", "intervention_costs", "people_taken_in_charge_new",
                       "people_taken_in_charge_total", "people_active", "traineeships_started"}
    assert figure(before, "interventions")[None] == figure(after, "interventions")[None]  # same count
    assert figure(before, "people_taken_in_charge_new")[None] == figure(after, "people_taken_in_charge_new")[None]


async def test_english_on_request_italian_first():
    italian = await report("social_report")
    english = await report("social_report", language="en")
    assert italian["figures"][0]["label"] == "Persone prese in carico nel periodo"
    assert english["figures"][0]["label"] == "People taken in charge in the period"
    assert figure(italian, "people_taken_in_charge_new") == figure(english, "people_taken_in_charge_new")


async def test_housing_placements_support_and_time_in_stage():
    doc = await report("social_report")
    assert figure(doc, "housing_placements") == {
        None: 2, ("kind", "cohousing"): 1, ("kind", "host_family"): 1, ("sex", "M"): 2, ("age_band", "25_34"): 1,
        ("age_band", "under_18"): 1, ("legal_status", "refugee"): 1, ("legal_status", "unaccompanied_minor"): 1}
    assert figure(doc, "rent_advances_paid")[None] == 1  # requested and approved are not paid
    assert figure(doc, "rent_advances_eur")[None] == "1800.00"
    assert figure(doc, "contributions_paid") == {None: 1, ("kind", "furniture"): 1}  # utilities only requested
    assert figure(doc, "contributions_eur")[None] == "350.50"
    foundation = await report("foundation_example")
    # a3: proposed 4 days, accepted 10, confirmed 16, moved in 153; a4: proposed 10; a5: proposed 3, accepted 6
    housing = figure(foundation, "time_in_housing_stage")
    assert housing[None] == "28.86"  # 202 / 7
    assert housing[("category", "proposed")] == "5.67" and housing[("category", "accepted")] == "8.00"
    assert housing[("category", "confirmed")] == "16.00" and housing[("category", "moved_in")] == "153.00"
    # a2: proposed 5, interview 6, started 183; a4: proposed 14, started 47
    work = figure(foundation, "time_in_employment_stage")
    assert work[None] == "51.00"
    assert work[("category", "proposed")] == "9.50" and work[("category", "started")] == "115.00"
    assert work[("kind", "traineeship")] == "64.67" and work[("kind", "bursary")] == "30.50"


async def test_traineeships_bursaries_hires_payments():
    doc = await report("social_report")
    assert figure(doc, "traineeships_started")[("sector", "I")] == 1
    assert figure(doc, "traineeships_completed")[None] == 1
    assert figure(doc, "bursaries_started") == {None: 1, ("sector", "C"): 1, ("sex", "M"): 1}
    assert figure(doc, "bursaries_completed")[None] == 0  # a4's was interrupted
    hired = figure(doc, "people_hired")
    assert hired[None] == 1 and hired[("kind", "permanent")] == 1 and hired[("sector", "I")] == 1
    fami = await report("fami_amif")
    assert figure(fami, "work_payments_eur") == {None: "1400.00", ("kind", "traineeship_allowance"): "1000.00",
                                                 ("kind", "bursary"): "400.00"}
    earlier = await report("fami_amif", as_of=date(2025, 6, 15))
    assert figure(earlier, "work_payments_eur")[None] == "500.00"
    assert figure(earlier, "people_hired")[None] == 0


async def test_an_erasure_changes_no_figure():
    """a6 was erased on 2025-09-01: the anonymous counts of every set stand, before and after."""
    for set_id in CATALOGUE.sets:
        before = await report(set_id, as_of=date(2025, 8, 31), period=Period.year(2024))
        after = await report(set_id, as_of=date(2025, 9, 2), period=Period.year(2024))
        assert [f["cells"] for f in before["figures"]] == [f["cells"] for f in after["figures"]]
    assert figure(after, "people_active")[None] == 2  # a6, and a7 whose path closed in December 2024


async def test_a_person_enrolled_in_a_project_later_is_active_in_it_and_counted_once_in_the_organisation():
    """A project's report listed a person enrolled in it later among its new participants but not among
    the people active in it (active counted only the projects a person was taken in charge in)."""
    s = Scenario()
    first = s.person("coop-a", projects=("P1",), on="2025-02-01")
    s.person("coop-a", projects=("P2",), on="2025-03-01")
    s.enrol_project(first, "P2", "2025-04-01")
    service, uow = await in_memory(s.events)
    await uow.projects.put(ProjectInfo("P2", "esf", "coop-a", ()), title="P2")
    project = await service.report(ReportCommand(OPERATOR, "esf", YEAR, date(2026, 1, 31), project_id="P2"))
    assert figure(project, "project_participants_new")[None] == 2
    assert figure(project, "people_active")[None] == 2
    before = await service.report(ReportCommand(OPERATOR, "esf", Period(date(2025, 1, 1), date(2025, 3, 31)),
                                                date(2026, 1, 31), project_id="P2"))
    assert figure(before, "people_active")[None] == 1  # enrolled in April
    organisation = await service.report(ReportCommand(OPERATOR, "social_report", YEAR, date(2026, 1, 31)))
    assert figure(organisation, "people_active")[None] == 2  # the enrolment is no second person


async def test_a_project_counts_the_steps_that_name_no_project_of_the_people_in_it():
    """Housing's moves, a path's closing, plans and goals name no project (their producers know none): a
    project's report counted none of them (0 housing placements for a project whose people moved in)."""
    scenario, _ = coop_a()
    elsewhere = scenario.person("coop-a", sex="F", projects=("P2",), on="2025-03-01")
    scenario.moved_in(elsewhere, scenario.housing_proposal(elsewhere, "cohousing", "2025-04-01"), "cohousing",
                      "2025-05-01")
    service, uow = await in_memory(scenario.events)
    for project in ("P1", "P2"):
        await uow.projects.put(ProjectInfo(project, "fami", "coop-a", ()), title=project)

    async def project_report(set_id: str, project: str) -> dict:
        return await service.report(ReportCommand(OPERATOR, set_id, YEAR, date(2026, 2, 1), project_id=project))

    fami = await project_report("fami_amif", "P1")
    assert figure(fami, "housing_placements")[None] == 2  # a3 cohousing, a5 host family; not P2's newcomer
    assert figure(fami, "housing_placements")[("kind", "host_family")] == 1
    assert figure(fami, "autonomous_housing_exits")[None] == 1  # a3
    foundation = await project_report("foundation_example", "P1")
    assert figure(foundation, "paths_closed")[None] == 2  # a3 autonomy reached, a4 interrupted
    assert figure(foundation, "plans_agreed")[None] == 1
    assert figure(foundation, "time_in_housing_stage")[None] == "28.86"  # as for the whole organisation
    other = await project_report("fami_amif", "P2")
    assert figure(other, "housing_placements") == {None: 1, ("kind", "cohousing"): 1, ("sex", "F"): 1,
                                                   ("age_band", "25_34"): 1, ("legal_status", "refugee"): 1}


async def test_women_inactive_follows_corrections_of_the_work_status_as_recorded_by_the_as_of_date():
    s = Scenario()
    s.person("coop-w", sex="F", on="2025-02-01", inactive=True)  # kept: inactive throughout
    found_work = s.person("coop-w", sex="F", on="2025-02-01", inactive=True)
    recorded_later = s.person("coop-w", sex="F", on="2025-02-01")  # no work status at registration
    s.person("coop-w", sex="M", on="2025-02-01", inactive=False)  # a man recorded inactive
    s.person("coop-w", sex="F", on="2025-02-01", inactive=False)  # a woman seeking work
    s.correct_person(found_work, "2025-05-01", women_inactive=False)
    s.correct_person(recorded_later, "2025-06-01", women_inactive=True)
    service, _ = await in_memory(s.events)

    async def inactive(as_of: str) -> dict:
        doc = await service.report(ReportCommand(Viewer("operator", "coop-w"), "fami_amif", YEAR,
                                                 date.fromisoformat(as_of)))
        return figure(doc, "women_inactive")

    assert (await inactive("2025-04-01"))[None] == 2  # kept, found_work
    assert (await inactive("2025-05-15"))[None] == 1  # kept: found_work's correction is recorded
    counted = await inactive("2026-01-01")
    assert counted[None] == 2 and counted[("age_band", "25_34")] == 2  # kept, recorded_later


async def test_goals_added_to_a_plan_count_as_goals_and_never_as_a_plan():
    scenario = Scenario()
    women = [scenario.person("coop-a", sex="F", on="2025-02-01") for _ in range(5)]
    for n, person in enumerate(women):
        scenario.plan(person, "2025-03-01", goals=1)
        if n < 3:
            scenario.goals_added(person, "2025-06-01", areas=("housing", "social") if n == 0 else ("housing",))
    late = scenario.person("coop-a", sex="F", on="2025-02-01")
    scenario.plan(late, "2024-12-01", goals=1)
    scenario.goals_added(late, "2025-07-01")  # a plan agreed before the period, a goal added within it
    service, _ = await in_memory(scenario.events)
    doc = await service.report(ReportCommand(OPERATOR, "foundation_example", YEAR, date(2026, 2, 1)))
    assert figure(doc, "plans_agreed")[None] == 5
    assert figure(doc, "plan_goals")[None] == 5 + 4 + 1
    assert figure(doc, "plan_goals")[("sex", "F")] == 10
    before = await service.report(ReportCommand(OPERATOR, "foundation_example", YEAR, date(2025, 5, 31)))
    assert figure(before, "plan_goals")[None] == 5  # as of a date, only the goals recorded by then
