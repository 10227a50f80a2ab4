"""Reporting's HTTP routes: translate the request into a command, call the service layer, return."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, StringConstraints

from reporting.adapters.formats.csv_out import render_csv
from reporting.adapters.formats.pdf import render_pdf
from reporting.adapters.formats.xlsx import render_xlsx
from reporting.domain.access import Viewer
from reporting.domain.asof import today_in_italy
from reporting.domain.indicators import Period
from reporting.entrypoints.schemas import IndicatorSetOut, ReportOut, TimelineOut
from reporting.service_layer.reports import ReportCommand, Reporting
from reporting.service_layer.timeline import TimelineQuery, person_timeline
from shared.api import ERROR_RESPONSES, Page, PageQuery
from shared.auth import Principal, Role, require

router = APIRouter(prefix="/api/v1", tags=["reporting"], responses=ERROR_RESPONSES)
READERS = require(Role.operator, Role.coordinator, Role.funder, Role.admin)
Format = Literal["json", "csv", "xlsx", "pdf"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {m.split(";")[0]: {} for m in MEDIA.values()},
                        "description": "the report as JSON, or as the file `format` names"}}
DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _a_date_is_a_date(value: Any) -> Any:
    """`2026-12-03` is a day (counted to its end), which the union would read as that day's midnight."""
    if isinstance(value, str) and DATE_ONLY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # the union names what is wrong with it
    return value


AsOf = Annotated[datetime | date | None, BeforeValidator(_a_date_is_a_date), Query(
    description="count only what was recorded by then (a date: the end of that day in Italy); default now")]
Lang = Annotated[Literal["it", "en"], Query(description="Italian first; English on request")]
# Ids and codes: organisations, projects, sets and indicators are identifiers of at most 80 characters
# (as everywhere on the platform); a province is an ISTAT or two-letter code.
OrgId = Annotated[str | None, Query(min_length=1, max_length=80)]
SetId = Annotated[str, Query(min_length=1, max_length=80)]
ProjectId = Annotated[str, Path(min_length=1, max_length=80)]
Codes = list[Annotated[str, StringConstraints(min_length=1, max_length=80)]]


def reporting(request: Request) -> Reporting:
    return request.app.state.reporting


def viewer(principal: Principal) -> Viewer:
    return Viewer(principal.role.value, principal.organisation_id)


def _answer(doc: dict, fmt: Format, name: str) -> dict | Response:
    if fmt == "json":
        return doc
    render = {"csv": render_csv, "xlsx": render_xlsx, "pdf": render_pdf}[fmt]
    return Response(render(doc), media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/indicator-sets", response_model=Page[IndicatorSetOut])
async def indicator_sets(lang: Lang = "it", page: PageQuery = Depends(), principal: Principal = Depends(READERS),
                         service: Reporting = Depends(reporting)) -> dict:
    """The indicator sets on file, each with every indicator's definition and counting rule."""
    sets = list(service.catalogue.sets.values())
    return page.page([{
        "id": s.id, "title": s.title.of(lang), "description": s.description.of(lang),
        "indicators": [{"id": i.id, "label": i.label.of(lang), "definition": i.definition.of(lang), "unit": i.unit,
                        "breakdowns": list(i.breakdowns), "crossed": i.tables[len(i.breakdowns):],
                        "rule": i.rule.model_dump(mode="json", exclude_none=True)}
                       for i in s.indicators],
    } for s in sets[page.offset:page.offset + page.limit]], len(sets))


@router.get("/indicators", response_model=ReportOut)
async def indicators(
    set: SetId = "social_report", start: date | None = None, end: date | None = None, as_of: AsOf = None,
    organisation_id: OrgId = None, project_id: OrgId = None,
    province: Annotated[Codes | None, Query(max_length=110)] = None, indicator: Annotated[
        Codes | None, Query(max_length=100)] = None, external: bool = False, lang: Lang = "it",
    principal: Principal = Depends(READERS), service: Reporting = Depends(reporting),
) -> dict:
    """Any set's indicators for an organisation, a project, provinces and a period (default: this year)."""
    today = today_in_italy(service.clock())
    period = Period(start=start or date(today.year, 1, 1), end=end or date(today.year, 12, 31))
    return await service.report(ReportCommand(
        viewer(principal), set, period, as_of, lang, external, organisation_id, project_id,
        tuple(province) if province else None, tuple(indicator) if indicator else None))


@router.get("/reports/social", response_model=ReportOut, responses=FILE_RESPONSES)
async def social_report(
    year: Annotated[int, Query(ge=2000, le=2100)], organisation_id: OrgId = None, as_of: AsOf = None,
    format: Format = "json", external: bool = False, lang: Lang = "it",
    principal: Principal = Depends(READERS), service: Reporting = Depends(reporting),
) -> dict | Response:
    """An organisation's yearly social report (bilancio sociale)."""
    doc = await service.report(ReportCommand(viewer(principal), "social_report", Period.year(year), as_of, lang,
                                             external, organisation_id))
    return _answer(doc, format, f"bilancio-sociale-{year}")


@router.get("/reports/projects/{project_id}", response_model=ReportOut, responses=FILE_RESPONSES)
async def project_report(
    project_id: ProjectId, start: date, end: date, set: SetId = "fami_amif", as_of: AsOf = None,
    format: Format = "json", external: bool = False, lang: Lang = "it",
    principal: Principal = Depends(READERS), service: Reporting = Depends(reporting),
) -> dict | Response:
    """A project's report to its funder for a period, every organisation of the project."""
    doc = await service.report(ReportCommand(viewer(principal), set, Period(start=start, end=end), as_of, lang,
                                             external, None, project_id))
    return _answer(doc, format, f"{project_id}-{start}-{end}")


@router.get("/beneficiaries/{beneficiary_id}/timeline", response_model=TimelineOut)
async def timeline(
    beneficiary_id: UUID, as_of: AsOf = None, lang: Lang = "it",
    principal: Principal = Depends(require(Role.operator, Role.coordinator, Role.admin)),
    service: Reporting = Depends(reporting),
) -> dict:
    """One person's path, every event in order and in words, for their own organisation."""
    return await person_timeline(service, TimelineQuery(viewer(principal), beneficiary_id, as_of, lang))
