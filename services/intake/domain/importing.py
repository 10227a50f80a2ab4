"""A caseload file's rows, turned into what a registration takes: the template's columns (English or
Italian headers), each cell read by its kind, and each refusal traced back to its row and column.
Pure: the file is read by an adapter, the rows checked here, stored by the service layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

TRUE = frozenset({"yes", "y", "si", "sì", "s", "true", "1", "x", "vero"})
FALSE = frozenset({"no", "n", "false", "0", "falso"})
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str  # the English header, and the name errors use
    italian: str
    target: str  # where the value goes in a registration, dotted ("household.size")
    kind: str  # text, date, int, bool, list, ages
    required: bool
    example: str = ""
    description: str = ""


@dataclass(frozen=True)
class Template:
    kind: str
    columns: tuple[Column, ...]

    def headers(self, language: str) -> list[str]:
        return [c.italian if language == "it" else c.name for c in self.columns]


@dataclass(frozen=True)
class CellError:
    column: str  # the template's column (English name); empty when the row as a whole is refused
    field: str  # the registration field the rule is about
    rule: str
    message: str


class HeaderRefused(ValueError):
    """The file's header row does not fit the template: nothing is read from it."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__("; ".join(f"{e.column}: {e.message}" for e in errors))
        self.errors = errors


def resolve_header(template: Template, header: Sequence[Any]) -> list[Column | None]:
    """The template column under each header cell (None for an empty trailing cell); refuses unknown,
    repeated and missing required columns, all at once."""
    by_name = {c.name.lower(): c for c in template.columns} | {c.italian.lower(): c for c in template.columns}
    resolved: list[Column | None] = []
    errors: list[CellError] = []
    seen: set[str] = set()
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        if not text:
            resolved.append(None)
            continue
        column = by_name.get(text.lower())
        if column is None:
            errors.append(CellError(text, "header", "unknown_column",
                                    f"'{text}' is not a column of the {template.kind} template"))
        elif column.name in seen:
            errors.append(CellError(column.name, "header", "repeated_column", f"column '{text}' appears twice"))
        else:
            seen.add(column.name)
        resolved.append(column)
    for column in template.columns:
        if column.required and column.name not in seen:
            errors.append(CellError(column.name, "header", "missing_column",
                                    f"required column '{column.name}' ('{column.italian}') is missing"))
    if errors:
        raise HeaderRefused(errors)
    return resolved


class _CellRefused(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def read_cell(column: Column, value: Any) -> Any:
    """The cell as the registration field wants it; None when empty. Spreadsheet dates and numbers come
    typed, CSV cells as text: both are accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.kind == "date":
        return _date(value)
    if column.kind == "int":
        return _int(value)
    if column.kind == "bool":
        return _bool(value)
    if column.kind in ("list", "ages"):
        items = [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]
        return [{"age": _int(a)} for a in items] if column.kind == "ages" else items
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()  # in C: most files' dates, at a tenth of strptime's cost
    except ValueError:
        pass
    for form in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    raise _CellRefused("date_format", f"'{text}' is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise _CellRefused("int_format", f"'{value}' is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    raise _CellRefused("int_format", f"'{text}' is not a whole number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise _CellRefused("bool_format", f"'{text}' is not yes or no (si/no, true/false, 1/0)")


@dataclass
class ParsedRow:
    row: int
    reference: str | None
    body: dict[str, Any]
    errors: list[CellError] = field(default_factory=list)


def parse_row(row: int, columns: Sequence[Column | None], values: Sequence[Any]) -> ParsedRow:
    """One data row as a registration body, with the errors of its cells (not yet the registration's rules)."""
    body: dict[str, Any] = {}
    errors: list[CellError] = []
    reference = None
    for column, value in zip(columns, values, strict=False):
        if column is None:
            continue
        try:
            parsed = read_cell(column, value)
        except _CellRefused as exc:
            errors.append(CellError(column.name, column.target, exc.rule, str(exc)))
            continue
        if column.target == "reference":
            reference = parsed
        elif parsed is not None:
            _put(body, column.target, parsed)
    if reference is None:
        errors.append(CellError("reference", "reference", "missing",
                                "every row needs the organisation's own reference for the person"))
    return ParsedRow(row, reference, body, errors)


def as_registration(body: dict[str, Any]) -> dict[str, Any]:
    """A people row's body as a registration: a group (permit, contacts...) exists only when one of its
    cells is filled; the household has its children's list; consent is given by being in the file."""
    body.setdefault("household", {}).setdefault("children", [])
    if "consent" in body:
        body["consent"]["given"] = True
    return body


def _put(body: dict[str, Any], target: str, value: Any) -> None:
    *groups, leaf = target.split(".")
    node = body
    for group in groups:
        node = node.setdefault(group, {})
    node[leaf] = value


def column_of(columns: Sequence[Column], loc: Sequence[Any]) -> Column | None:
    """The column a registration error's location points to: the longest target it starts with (a
    nested rule on 'permit' falls back to the permit's first column)."""
    path = ".".join(str(p) for p in loc)
    best: Column | None = None
    for column in columns:
        if path == column.target or path.startswith(column.target + "."):
            if best is None or len(column.target) > len(best.target):
                best = column
    if best is None:
        head = str(loc[0]) if loc else ""
        best = next((c for c in columns if c.target.split(".")[0] == head), None)
    return best


def validation_errors(columns: Sequence[Column], errors: Sequence[dict[str, Any]]) -> list[CellError]:
    """Pydantic's errors for a row's registration, each traced to its column."""
    found = []
    for e in errors:
        loc = tuple(e["loc"])
        column = column_of(columns, loc)
        found.append(CellError(column.name if column else "", ".".join(str(p) for p in loc) or "row",
                               e["type"], e["msg"]))
    return found
