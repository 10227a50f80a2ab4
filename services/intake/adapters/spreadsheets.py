"""Caseload files in and out: CSV or XLSX, read a row at a time (openpyxl's read-only mode parses
the sheet as a stream, never the whole workbook), and the same file written back with an errors
column (openpyxl's write-only mode, row by row), so a 100,000-row file never sits in memory.
The templates' columns are a data file per kind (`data/import/<kind>.csv`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from intake.domain.importing import Column, Template

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "import"
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_HEADER = {"en": "errors", "it": "errori"}


class UnreadableFile(ValueError):
    """Neither a CSV nor an XLSX file that can be read."""


@cache
def template(kind: str) -> Template:
    """The columns of the `kind` template, from its data file."""
    path = TEMPLATES / f"{kind}.csv"
    if not path.is_file():
        raise KeyError(kind)
    with path.open(newline="", encoding="utf-8") as f:
        columns = tuple(
            Column(name=r["column"], italian=r["italiano"], target=r["target"], kind=r["kind"],
                   required=r["required"] == "yes", example=r["example"], description=r["description"])
            for r in csv.DictReader(f)
        )
    return Template(kind, columns)


def kinds() -> list[str]:
    return sorted(p.stem for p in TEMPLATES.glob("*.csv"))


def file_format(f: IO[bytes]) -> str:
    """'xlsx' or 'csv', by the file's first bytes (its name may lie)."""
    start = f.read(4)
    f.seek(0)
    return "xlsx" if start == XLSX_MAGIC else "csv"


def rows(f: IO[bytes], fmt: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number as a spreadsheet shows it, cells) for each row that is not empty, header first."""
    if fmt == "xlsx":
        yield from _xlsx_rows(f)
    else:
        yield from _csv_rows(f)


def _xlsx_rows(f: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    try:
        book = load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a broken file
        raise UnreadableFile(f"not a readable XLSX file: {type(exc).__name__}") from None
    try:
        for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if any(c is not None and str(c).strip() for c in cells):
                yield number, list(cells)
    finally:
        book.close()


def _csv_rows(f: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        if "\x00" in first:
            raise UnreadableFile("not a CSV file in UTF-8")
        delimiter = max((",", ";", "\t"), key=first.count)  # Italian spreadsheets save CSV with ';'
        text.seek(0)
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            if any(c.strip() for c in cells):
                yield number, cells
    except UnicodeDecodeError:
        raise UnreadableFile("not a CSV file in UTF-8 (save it as 'CSV UTF-8', or upload the XLSX)") from None
    finally:
        text.detach()


def write_report(source: IO[bytes], fmt: str, notes: Mapping[int, str], out: IO[bytes], *, language: str) -> None:
    """The uploaded file again, row by row, with an errors column: each row's note (its errors, or
    what became of it), the header's cell naming the column."""
    source.seek(0)
    header = ERRORS_HEADER.get(language, "errors")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("import")
        for number, cells in rows(source, fmt):
            sheet.append([*cells, header if number == 1 else notes.get(number, "")])
        book.save(out)
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    for number, cells in rows(source, fmt):
        writer.writerow([*cells, header if number == 1 else notes.get(number, "")])
    text.flush()
    text.detach()


def template_file(t: Template, *, language: str, fmt: str) -> bytes:
    """The empty template: the header row, and (in XLSX) a second sheet describing each column."""
    out = io.BytesIO()
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(t.kind)
        sheet.append(t.headers(language))
        guide = book.create_sheet("guida" if language == "it" else "guide")
        guide.append(["column", "colonna", "required", "example", "description"])
        for c in t.columns:
            guide.append([c.name, c.italian, "yes" if c.required else "no", c.example, c.description])
        book.save(out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        csv.writer(text).writerow(t.headers(language))
        text.flush()
        text.detach()
    return out.getvalue()
