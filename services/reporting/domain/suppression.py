"""Statistical disclosure control for figures that leave the organisation.

Each indicator's breakdown is one table: categories (and organisations, for a multi-organisation
report) with their totals. A figure behind fewer than the minimum of distinct people is withheld
(primary); a `Protector` (tau-argus) then withholds enough other cells of the table that none of
them can be recovered from what is shown (secondary), and its audit's intervals are checked here
before anything is published. Zero is not a person and is never withheld."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from reporting.domain.catalogue import Suppression
from reporting.domain.counting import Cell
from reporting.domain.linked import Auditor, CellKey, Reason, protect_linked, required


@dataclass(frozen=True)
class TableCell:
    """A cell of one table to protect; `row` is an organisation (None: all), `column` a category
    (None: the total)."""

    row: str | None
    column: str | None
    value: Decimal
    people: int


@dataclass(frozen=True)
class Interval:
    lower: Decimal
    upper: Decimal


@dataclass(frozen=True)
class Protection:
    withheld: dict[tuple[str | None, str | None], Reason]
    intervals: dict[tuple[str | None, str | None], Interval]


class Protector(Auditor, Protocol):
    """Chooses each table's pattern (tau-argus) and audits the linked set of an indicator's tables."""

    def protect(self, cells: Sequence[TableCell], rule: Suppression) -> Protection:
        """Choose the secondary cells for the table's primary ones and audit the pattern."""
        ...


@dataclass(frozen=True)
class ShownCell:
    cell: Cell
    withheld: Reason | None = None

    @property
    def value(self) -> Decimal | None:
        return None if self.withheld else self.cell.value


class UnderProtected(Exception):
    """The audit found a withheld cell whose value the published figures still pin down too closely."""


def is_primary(people: int, rule: Suppression) -> bool:
    return 0 < people < rule.minimum_people


def required_width(cell: TableCell, rule: Suppression) -> Decimal:
    """The narrowest interval a withheld cell may be left in (one rule for a table and for the linked set)."""
    return required(cell.value, rule)


def check_audit(cells: Sequence[TableCell], protection: Protection, rule: Suppression) -> None:
    """Every primary cell's interval (what can be derived from the published cells) is wide enough.
    A secondary cell is withheld to hide the primaries, not for itself: its interval is not judged."""
    by_key = {(c.row, c.column): c for c in cells}
    for key, reason in protection.withheld.items():
        if reason != "primary":
            continue
        interval = protection.intervals.get(key)
        if interval is None:
            raise UnderProtected(f"cell {key} was withheld but not audited")
        if interval.upper - interval.lower < required_width(by_key[key], rule):
            raise UnderProtected(f"cell {key} can be narrowed to [{interval.lower}, {interval.upper}]")


def protect_cells(cells: Iterable[Cell], rule: Suppression, protector: Protector, *,
                  additive: bool = True) -> list[ShownCell]:
    """Withhold the small figures of each table and the cells that would give them away.

    The totals (per organisation and overall) are the margins of every breakdown's table. Each table
    is protected on its own by tau-argus (a near-optimal pattern, audited); a margin withheld in one
    table is the same cell in all of them. The tables are linked through those margins, so the union
    of the patterns is then audited as one system (`linked.protect_linked`) and cells are added
    until no withheld figure can be narrowed by combining breakdowns. Withholding more cells only
    widens what an intruder can derive, so each table stays protected."""
    cells = list(cells)
    if not additive:  # a mean cannot be recovered from other means: the small ones are all there is to hide
        return [ShownCell(c, "primary" if is_primary(c.people, rule) else None) for c in cells]
    tables: dict[str | None, list[TableCell]] = defaultdict(list)
    totals = [TableCell(c.organisation_id, None, c.value, c.people) for c in cells if c.dimension is None]
    for cell in cells:
        if cell.dimension is not None:
            tables[cell.dimension].append(TableCell(cell.organisation_id, cell.category, cell.value, cell.people))
    patterns: dict[str | None, dict[tuple[str | None, str | None], Reason]] = {
        None: _protect_table(totals, rule, protector)}
    for dimension, interior in tables.items():
        patterns[dimension] = _protect_table(interior + totals, rule, protector)
    union: dict[CellKey, Reason] = {}
    for dimension, pattern in patterns.items():
        for (row, column), reason in pattern.items():
            key = (row, None, None) if column is None else (row, dimension, column)
            if union.get(key) != "primary":
                union[key] = reason
    if union:
        values = {(c.organisation_id, c.dimension, c.category): c.value for c in cells}
        union = protect_linked(values, union, rule, protector)
    return [ShownCell(cell, union.get((cell.organisation_id, cell.dimension, cell.category)))
            for cell in cells]


def _protect_table(table: list[TableCell], rule: Suppression,
                   protector: Protector) -> dict[tuple[str | None, str | None], Reason]:
    if not any(is_primary(c.people, rule) for c in table):
        return {}
    if len(table) == 1:  # a lone total: withheld, nothing else published can give it away
        return {(table[0].row, table[0].column): "primary"}
    protection = protector.protect(table, rule)
    check_audit(table, protection, rule)
    return protection.withheld
