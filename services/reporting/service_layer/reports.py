"""Reports: the audience decided by the domain, the figures counted through the unit of work, the
suppression applied when they leave the organisation, one document for every format."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from reporting.domain.access import Audience, ProjectInfo, Viewer, audience
from reporting.domain.asof import as_of_instant
from reporting.domain.catalogue import Catalogue
from reporting.domain.counting import Cell, Query
from reporting.domain.indicators import IndicatorSet, Period
from reporting.domain.report import Figure, Report, document
from reporting.domain.suppression import Protector, ShownCell, is_primary, protect_cells
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from shared.errors import NotFound, RuleViolation

UowFactory = Callable[[], ReportingUnitOfWork]
LANGUAGES = ("it", "en")


@dataclass(frozen=True)
class ReportCommand:
    """One report: an organisation's (`organisation_id`, or the caller's own) or a project's."""

    viewer: Viewer
    set_id: str
    period: Period
    as_of: date | datetime | None = None
    language: str = "it"
    external: bool = False
    organisation_id: str | None = None
    project_id: str | None = None
    provinces: tuple[str, ...] | None = None
    indicator_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Reporting:
    """The report service's collaborators, built once by the composition root."""

    uow: UowFactory
    catalogue: Catalogue
    protector: Protector
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    async def report(self, command: ReportCommand) -> dict[str, Any]:
        if command.language not in LANGUAGES:
            raise RuleViolation("lang", "unknown_language", f"reports are in {' or '.join(LANGUAGES)}")
        indicator_set = self.catalogue.set(command.set_id)
        indicators = indicator_set.indicators if command.indicator_ids is None else [
            indicator_set.indicator(i) for i in command.indicator_ids]
        as_of = as_of_instant(command.as_of, self.clock())
        async with self.uow() as uow:
            seen_by = await audience_as_of(uow, command.viewer, as_of, project_id=command.project_id,
                                           organisation_id=command.organisation_id, external=command.external)
            scope = seen_by.scope
            if command.provinces is not None:
                scope = type(scope)(scope.organisations, scope.projects, command.provinces)
            queries = [Query(i, command.period, as_of, scope, seen_by.by_organisation) for i in indicators]
            counted = [with_zero_totals(cells, seen_by) for cells in await uow.facts.cells(queries)]
        figures = await self._figures(indicators, counted, suppressed=seen_by.suppressed)
        subject = {"project_id": command.project_id} if command.project_id else {
            "organisation_id": ",".join(scope.organisations) if scope.organisations else "all"}
        report = Report(
            title=_title(indicator_set, command, subject), indicator_set=indicator_set, subject=subject,
            period=command.period, as_of=as_of, language=command.language, suppressed=seen_by.suppressed,
            figures=figures,
        )
        return document(report, self.catalogue)

    async def _figures(self, indicators: list[Any], counted: list[list[Cell]], *, suppressed: bool) -> list[Figure]:
        rule = self.catalogue.suppression
        figures = []
        for indicator, cells in zip(indicators, counted, strict=True):
            if suppressed and any(is_primary(c.people, rule) for c in cells):
                # tau-argus works on files and holds a lock: off the event loop.
                additive = indicator.rule.measure != "mean_days"
                shown = await asyncio.to_thread(protect_cells, cells, rule, self.protector, additive=additive)
            else:
                shown = [ShownCell(c) for c in cells]
            figures.append(Figure(indicator, shown))
        return figures


def with_zero_totals(cells: list[Cell], seen_by: Audience) -> list[Cell]:
    """A figure nobody is behind still prints its total, 0 (and each organisation's, when listed)."""
    present = {(c.organisation_id, c.dimension) for c in cells}
    organisations = list(seen_by.scope.organisations or ()) if seen_by.by_organisation else []
    zero = Decimal(0)
    return cells + [Cell(org, None, None, zero, 0) for org in [None, *organisations] if (org, None) not in present]


def _title(indicator_set: IndicatorSet, command: ReportCommand, subject: dict[str, str]) -> str:
    who = subject.get("project_id") or subject.get("organisation_id", "")
    period = f"{command.period.start.isoformat()} / {command.period.end.isoformat()}"
    return f"{indicator_set.title.of(command.language)}: {who}, {period}"


async def audience_as_of(uow: ReportingUnitOfWork, viewer: Viewer, as_of: datetime, *, project_id: str | None,
                         organisation_id: str | None, external: bool) -> Audience:
    """Who may read a report (or a project's money) and what it covers, by the projects' roles as
    recorded at `as_of`: a funder by the projects it funded then, a project by its lead and partners then."""
    project = None if project_id is None else await project_as_of(uow, project_id, as_of)
    funded = await uow.projects.funded_by(viewer.organisation_id, as_of=as_of) if viewer.role == "funder" else []
    return audience(viewer, organisation_id=organisation_id, project=project, funded=funded, external=external)


async def project_as_of(uow: ReportingUnitOfWork, project_id: str, as_of: datetime) -> ProjectInfo:
    """The project's roles as recorded at `as_of` (`domain.project_roles.roles_in_force`)."""
    project = await uow.projects.get(project_id, as_of=as_of)
    if project is None:
        raise NotFound(f"no project {project_id!r} is registered with reporting", field="project_id")
    return project
