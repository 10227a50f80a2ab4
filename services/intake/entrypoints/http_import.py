"""Caseload import over HTTP: the templates to download, and the upload that answers per row what
would be (or was) stored and why not, as JSON or as the same spreadsheet with an errors column.
The upload is read from FastAPI's temporary file as a stream and not kept."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from enum import StrEnum
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from intake.domain.enums import ItalianLevel
from intake.domain.importing import (
    CellError,
    HeaderRefused,
    Template,
    as_registration,
    parse_row,
    resolve_header,
    validation_errors,
)
from intake.entrypoints.deps import unit_of_work
from intake.service_layer import caseload_files as spreadsheets
from intake.service_layer import importing, importing_courses, importing_interventions
from intake.service_layer.commands import BeneficiaryIn, InterventionIn
from intake.service_layer.commands_common import InputModel, PastDate, today_in_italy
from intake.service_layer.commands_courses import CourseIn
from intake.service_layer.importing_courses import CourseRow
from intake.service_layer.importing_interventions import InterventionRow
from shared.api import ERROR_RESPONSES
from shared.auth import Principal, Role, require
from shared.errors import RuleViolation, Violations

router = APIRouter(prefix="/api/v1/imports", tags=["import"], responses=ERROR_RESPONSES)
ADMINS = require(Role.admin)
MAX_ROWS = 200_000  # a national network's whole history; a larger file is split


class Kind(StrEnum):
    people = "people"
    interventions = "interventions"
    courses = "courses"


class Language(StrEnum):
    en = "en"
    it = "it"


class FileFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


class ReportFormat(StrEnum):
    json = "json"
    spreadsheet = "spreadsheet"


class EnrolmentRowIn(InputModel):
    enrolled_on: PastDate | None = None  # the course's start when not given
    completed_on: PastDate | None = None
    level_reached: ItalianLevel | None = None


class CourseRowIn(InputModel):
    """A row of the courses file: its course, and the enrolment of the row's person, if any."""

    course: CourseIn
    enrolment: EnrolmentRowIn | None = None


class RowError(BaseModel):
    row: int
    column: str
    field: str
    rule: str
    message: str


class RowResult(BaseModel):
    row: int
    reference: str | None
    outcome: str
    beneficiary_id: UUID | None = None
    intervention_id: UUID | None = None


class ImportResult(BaseModel):
    kind: str
    dry_run: bool
    stored: bool
    rows: int
    new: int
    already_imported: int
    invalid: int
    errors: list[RowError]
    matches: list[dict[str, Any]]
    items: list[RowResult]


@router.get("/templates/{kind}", response_class=Response,
            responses={200: {"content": {spreadsheets.XLSX_TYPE: {}, "text/csv": {}}}})
async def download_template(
    kind: Kind, principal: Principal = Depends(ADMINS), language: Language = Language.en,
    format: FileFormat = FileFormat.xlsx,  # noqa: A002 - the query parameter's public name
) -> Response:
    """The empty template of `kind`, headers in English or Italian (either is accepted back)."""
    body = spreadsheets.template_file(spreadsheets.template(kind.value), language=language.value, fmt=format.value)
    media = spreadsheets.XLSX_TYPE if format is FileFormat.xlsx else "text/csv; charset=utf-8"
    name = f"percorsi-{kind.value}-{language.value}.{format.value}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{kind}", response_model=ImportResult,
             responses={200: {"content": {spreadsheets.XLSX_TYPE: {}, "text/csv": {}}}})
async def import_file(
    kind: Kind,
    request: Request,
    file: UploadFile = File(description="a CSV (UTF-8, ',' or ';') or XLSX file laid out as the template"),
    principal: Principal = Depends(ADMINS),
    dry_run: bool = Query(False, description="check every row and store nothing"),
    report: ReportFormat = Query(ReportFormat.json, description="json, or the file back with an errors column"),
    language: Language = Language.en,
) -> Response:
    """Import a caseload: every row stored, or none. 201 when stored, 200 for a dry run, 422 when a row
    is refused (the report says which and why)."""
    fmt = spreadsheets.file_format(file.file)
    template = spreadsheets.template(kind.value)
    uow, vault = unit_of_work(request), request.app.state.vault
    if kind is Kind.people:
        result = await importing.import_people(uow, vault, principal, _people(template, file.file, fmt),
                                               dry_run=dry_run, today=today_in_italy())
    elif kind is Kind.interventions:
        result = await importing_interventions.import_interventions(
            uow, vault, principal, _interventions(template, file.file, fmt), dry_run=dry_run, today=today_in_italy())
    else:
        result = await importing_courses.import_courses(
            uow, vault, principal, _courses(template, file.file, fmt), dry_run=dry_run, today=today_in_italy())
    status = 422 if not result.valid else 200 if dry_run else 201
    if report is ReportFormat.spreadsheet:
        return _spreadsheet(file, fmt, result, status, language.value)
    return Response(to_json(_json(result)), status_code=status, media_type="application/json")


def _parsed(template: Template, f, fmt: str, model: type[BaseModel]):  # noqa: ANN001, ANN202
    """(row, its parsed cells, the model it makes or None) for each data row, one at a time; the header
    checked first, and the file refused whole when it cannot be read."""
    rows = spreadsheets.rows(f, fmt)
    try:
        first = next(rows, None)
        if first is None:
            raise RuleViolation("file", "empty_file", "the file has no header row")
        try:
            columns = resolve_header(template, first[1])
        except HeaderRefused as exc:
            raise Violations(RuleViolation(f"header.{e.column}", e.rule, e.message) for e in exc.errors) from None
        known = [c for c in columns if c is not None]
        for count, (number, cells) in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise RuleViolation("file", "too_many_rows", f"more than {MAX_ROWS} rows: split the file")
            parsed = parse_row(number, columns, cells)
            extra = parsed.body.pop("person_reference", None)
            if model is BeneficiaryIn:
                as_registration(parsed.body)
            made = None
            if not parsed.errors:
                try:
                    made = model.model_validate(parsed.body)
                except ValidationError as exc:
                    parsed.errors.extend(validation_errors(known, [dict(e) for e in exc.errors(include_url=False)]))
            yield parsed, made, extra
    except spreadsheets.UnreadableFile as exc:
        raise RuleViolation("file", "unreadable_file", str(exc)) from None


def _people(template: Template, f, fmt: str) -> Iterator[importing.ImportRow]:  # noqa: ANN001
    """The file's rows checked against the registration's rules."""
    for parsed, made, _ in _parsed(template, f, fmt, BeneficiaryIn):
        yield importing.ImportRow(parsed.row, parsed.reference, made, parsed.errors)


def _courses(template: Template, f, fmt: str) -> Iterator[CourseRow]:  # noqa: ANN001
    """The file's rows checked against a course's and an enrolment's rules."""
    for parsed, made, person in _parsed(template, f, fmt, CourseRowIn):
        if made is not None and made.enrolment is not None and person is None:
            parsed.errors.append(CellError("person_reference", "person_reference", "missing",
                                           "an enrolment's row names the person enrolled"))
        yield CourseRow(parsed.row, parsed.reference, person, made.course if made else None,
                        made.enrolment if made else None, parsed.errors)


def _interventions(template: Template, f, fmt: str) -> Iterator[InterventionRow]:  # noqa: ANN001
    """The file's rows checked against an intervention's rules."""
    for parsed, made, person in _parsed(template, f, fmt, InterventionIn):
        if person is None:
            parsed.errors.append(CellError("person_reference", "person_reference", "missing",
                                           "every row needs the reference of the person it was delivered to"))
        yield InterventionRow(parsed.row, parsed.reference, person, made, parsed.errors)


def _json(result: importing.ImportReport) -> dict[str, Any]:
    return {
        "kind": result.kind, "dry_run": result.dry_run, "stored": result.stored, "rows": len(result.rows),
        "new": result.count("new"), "already_imported": result.count("already_imported"),
        "invalid": result.count("invalid"),
        "errors": [{"row": r.row, "column": e.column, "field": e.field, "rule": e.rule, "message": e.message}
                   for r in result.rows for e in r.errors],
        "matches": [{"row": r.row, "beneficiary_id": m.beneficiary_id, "reasons": list(m.reasons),
                     "link": f"/api/v1/beneficiaries/{m.beneficiary_id}/projects"}
                    for r in result.rows for m in r.matches],
        "items": [{"row": r.row, "reference": r.reference, "outcome": r.outcome, "beneficiary_id": r.beneficiary_id,
                   **({"intervention_id": r.intervention_id} if r.intervention_id else {})} for r in result.rows],
    }


def _note(r: importing.RowOutcome) -> str:
    if r.errors:
        return "; ".join(_error_text(e) for e in r.errors)
    if r.outcome == "already_imported":
        return f"already imported as {r.intervention_id or r.beneficiary_id}: nothing new"
    return ""


def _error_text(e: CellError) -> str:
    return f"{e.column or e.field}: {e.message} ({e.rule})"


def _spreadsheet(file: UploadFile, fmt: str, result: importing.ImportReport, status: int, language: str) -> Response:
    notes = {r.row: _note(r) for r in result.rows if r.errors or r.outcome == "already_imported"}
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to the response
    spreadsheets.write_report(file.file, fmt, notes, out, language=language)
    out.seek(0)
    media = spreadsheets.XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    name = f"percorsi-import-report.{fmt}"

    def chunks() -> Iterator[bytes]:
        with out:
            while block := out.read(64 * 1024):
                yield block

    return StreamingResponse(chunks(), status_code=status, media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "X-Import-Stored": str(result.stored).lower()})
