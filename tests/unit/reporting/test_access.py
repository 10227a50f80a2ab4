"""Who sees what: decided in the domain, and applied by the report service."""

from __future__ import annotations

from datetime import date

import pytest

from reporting.domain.access import ProjectInfo, Viewer, audience, check_may_register, may_read_timeline
from reporting.domain.indicators import Period
from reporting.service_layer.reports import ReportCommand
from shared.errors import Forbidden, NotFound
from tests.reporting_scenario import Scenario
from tests.unit.reporting.support import figure, in_memory

pytestmark = pytest.mark.unit
P1 = ProjectInfo("P1", "fami", "lead-org", ("partner-b", "partner-c"))
P2 = ProjectInfo("P2", "fondazione", "partner-b", ())


def test_operators_and_coordinators_see_their_own_organisation_exactly():
    for role in ("operator", "coordinator"):
        seen = audience(Viewer(role, "partner-b"), organisation_id=None, project=None, funded=[], external=False)
        assert seen.scope.organisations == ("partner-b",) and not seen.suppressed
        with pytest.raises(Forbidden):
            audience(Viewer(role, "partner-b"), organisation_id="partner-c", project=None, funded=[], external=False)


def test_an_export_marked_external_is_suppressed_even_for_the_own_organisation():
    seen = audience(Viewer("operator", "partner-b"), organisation_id=None, project=None, funded=[], external=True)
    assert seen.suppressed


def test_the_lead_coordinator_sees_the_partners_aggregates_suppressed():
    seen = audience(Viewer("coordinator", "lead-org"), organisation_id=None, project=P1, funded=[], external=False)
    assert seen.scope.organisations == ("lead-org", "partner-b", "partner-c") and seen.suppressed
    assert seen.by_organisation
    # a partner's coordinator sees only its own part of the project, exactly
    partner = audience(Viewer("coordinator", "partner-b"), organisation_id=None, project=P1, funded=[],
                       external=False)
    assert partner.scope.organisations == ("partner-b",) and not partner.suppressed
    # the lead's operator is not the consortium's coordinator
    operator = audience(Viewer("operator", "lead-org"), organisation_id=None, project=P1, funded=[], external=False)
    assert operator.scope.organisations == ("lead-org",)
    with pytest.raises(Forbidden):
        audience(Viewer("coordinator", "outsider"), organisation_id=None, project=P1, funded=[], external=False)


def test_funders_see_every_organisation_of_their_projects_suppressed_and_no_other():
    seen = audience(Viewer("funder", "fami"), organisation_id=None, project=P1, funded=[P1], external=False)
    assert seen.suppressed and seen.scope.projects == ("P1",)
    assert seen.scope.organisations == P1.organisations
    with pytest.raises(Forbidden):
        audience(Viewer("funder", "fami"), organisation_id=None, project=P2, funded=[P1], external=False)
    everything = audience(Viewer("funder", "fami"), organisation_id=None, project=None, funded=[P1], external=False)
    assert everything.scope.projects == ("P1",) and everything.suppressed
    with pytest.raises(Forbidden):
        audience(Viewer("funder", "nobody"), organisation_id=None, project=None, funded=[], external=False)
    with pytest.raises(Forbidden):
        audience(Viewer("housing", "lead-org"), organisation_id=None, project=None, funded=[], external=False)


def test_an_admin_sees_its_own_organisation_and_as_the_lead_its_partners_never_another_organisation():
    """An admin of any organisation used to read every organisation's figures (suppressed) and any project's."""
    own = audience(Viewer("admin", "partner-b"), organisation_id=None, project=None, funded=[], external=False)
    assert own.scope.organisations == ("partner-b",) and not own.suppressed
    with pytest.raises(Forbidden):
        audience(Viewer("admin", "partner-b"), organisation_id="partner-c", project=None, funded=[], external=False)
    with pytest.raises(Forbidden):
        audience(Viewer("admin", "outsider"), organisation_id="lead-org", project=None, funded=[], external=False)
    lead = audience(Viewer("admin", "lead-org"), organisation_id=None, project=P1, funded=[], external=False)
    assert lead.scope.organisations == P1.organisations and lead.suppressed
    partner = audience(Viewer("admin", "partner-c"), organisation_id=None, project=P1, funded=[], external=False)
    assert partner.scope.organisations == ("partner-c",) and not partner.suppressed
    with pytest.raises(Forbidden):
        audience(Viewer("admin", "outsider"), organisation_id=None, project=P1, funded=[], external=False)


def test_a_partner_asking_for_another_partners_part_of_a_project_is_refused_not_answered_with_its_own():
    for role in ("operator", "coordinator", "admin"):
        with pytest.raises(Forbidden):
            audience(Viewer(role, "partner-b"), organisation_id="lead-org", project=P1, funded=[], external=False)
    own = audience(Viewer("operator", "partner-b"), organisation_id="partner-b", project=P1, funded=[],
                   external=False)
    assert own.scope.organisations == ("partner-b",)


def test_only_an_admin_of_the_lead_registers_or_changes_a_project():
    check_may_register(Viewer("admin", "lead-org"), registered=None, lead_organisation_id="lead-org")
    check_may_register(Viewer("admin", "lead-org"), registered=P1, lead_organisation_id="partner-b")  # a hand-over
    for viewer, lead in ((Viewer("admin", "outsider"), "lead-org"), (Viewer("coordinator", "lead-org"), "lead-org")):
        with pytest.raises(Forbidden):
            check_may_register(viewer, registered=None, lead_organisation_id=lead)
    for viewer, lead in ((Viewer("admin", "outsider"), "outsider"), (Viewer("admin", "partner-b"), "partner-b")):
        with pytest.raises(Forbidden):  # taking over another organisation's project
            check_may_register(viewer, registered=P1, lead_organisation_id=lead)


def test_timelines_are_for_the_persons_own_organisation():
    assert may_read_timeline(Viewer("admin", "coop-a"), "coop-a")
    assert not may_read_timeline(Viewer("admin", "coop-b"), "coop-a")
    assert may_read_timeline(Viewer("operator", "coop-a"), "coop-a")
    assert may_read_timeline(Viewer("coordinator", "coop-a"), "coop-a")
    assert not may_read_timeline(Viewer("operator", "coop-b"), "coop-a")
    assert not may_read_timeline(Viewer("funder", "coop-a"), "coop-a")


async def test_a_funder_counts_only_its_projects_people_and_a_partner_only_its_own():
    s = Scenario()
    for _ in range(6):
        s.person("lead-org", projects=("P1",))
        s.person("partner-b", projects=("P1",))
        s.person("partner-b", projects=("P2",))
    service, uow = await in_memory(s.events)
    for project in (P1, P2):
        await uow.projects.put(project, title=project.project_id)
    year, as_of = Period.year(2025), date(2026, 1, 31)
    fami = await service.report(ReportCommand(Viewer("funder", "fami"), "fami_amif", year, as_of,
                                              indicator_ids=("project_participants_new",)))
    assert figure(fami, "project_participants_new")[None] == 12  # P2's six are not fami's
    assert figure(fami, "project_participants_new", "partner-b")[None] == 6
    partner = await service.report(ReportCommand(Viewer("operator", "partner-b"), "fami_amif", year, as_of,
                                                 indicator_ids=("project_participants_new",)))
    assert figure(partner, "project_participants_new")[None] == 12  # both its projects, exactly
    lead = await service.report(ReportCommand(Viewer("coordinator", "lead-org"), "fami_amif", year, as_of,
                                              project_id="P1", indicator_ids=("project_participants_new",)))
    assert figure(lead, "project_participants_new")[None] == 12 and lead["suppression"]["applied"]
    with pytest.raises(NotFound):
        await service.report(ReportCommand(Viewer("funder", "fami"), "fami_amif", year, as_of, project_id="P9"))


async def test_reports_as_of_a_past_date_use_the_projects_roles_as_recorded_then():
    """P1: fami funds it, led by lead-org, partner-b only, from 2025-01-01; on 2025-12-01 fondazione
    takes it over and partner-c joins. As of 2025-06-30 fami reads P1's report, fondazione does not, and
    the lead's aggregates have no partner-c; as of 2026-01-31 it is the other way round."""
    from datetime import UTC, datetime

    s = Scenario()
    for org in ("lead-org", "partner-b", "partner-c"):
        for _ in range(6):
            s.person(org, projects=("P1",), on="2025-03-01")
    service, uow = await in_memory(s.events)
    await uow.projects.put(ProjectInfo("P1", "fami", "lead-org", ("partner-b",)), title="P1",
                           now=datetime(2025, 1, 1, tzinfo=UTC))
    await uow.projects.put(ProjectInfo("P1", "fondazione", "lead-org", ("partner-b", "partner-c")), title="P1",
                           now=datetime(2025, 12, 1, tzinfo=UTC))
    year, june, later = Period.year(2025), date(2025, 6, 30), date(2026, 1, 31)

    def asked(viewer: Viewer, as_of: date, project_id: str | None = "P1") -> ReportCommand:
        return ReportCommand(viewer, "fami_amif", year, as_of, project_id=project_id,
                             indicator_ids=("project_participants_new",))

    fami, fondazione, lead = Viewer("funder", "fami"), Viewer("funder", "fondazione"), Viewer("coordinator", "lead-org")
    then = await service.report(asked(fami, june))
    assert figure(then, "project_participants_new")[None] == 12  # lead-org's and partner-b's: c was not in P1
    assert figure(then, "project_participants_new", "partner-c") == {}
    with pytest.raises(Forbidden):
        await service.report(asked(fondazione, june))
    assert figure(await service.report(asked(fami, june, None)), "project_participants_new")[None] == 12
    with pytest.raises(Forbidden):
        await service.report(asked(fondazione, june, None))  # it funded no project then
    assert figure(await service.report(asked(lead, june)), "project_participants_new")[None] == 12

    now = await service.report(asked(fondazione, later))
    assert figure(now, "project_participants_new")[None] == 18
    assert figure(now, "project_participants_new", "partner-c")[None] == 6
    with pytest.raises(Forbidden):
        await service.report(asked(fami, later))
    with pytest.raises(Forbidden):
        await service.report(asked(fami, later, None))
    assert figure(await service.report(asked(lead, later)), "project_participants_new")[None] == 18
