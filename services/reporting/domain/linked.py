"""The tables of one indicator in one report are linked: every breakdown (sex, age band, legal status,
citizenship...) shares the same totals, per organisation and overall, so a cell withheld in one
table could be pinned down by combining it with another. Protecting each table on its own is not
enough; this module writes the whole linked set as one system of relations (every table's rows and
columns, the totals shared), has an `Auditor` solve what an intruder can derive for each withheld
cell from every published figure at once, and withholds more cells until every interval is wide
enough. Withholding a cell never narrows any other cell's interval, so the loop only moves towards
protection and ends (at worst with the whole connected part withheld)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from reporting.domain.catalogue import Suppression
from reporting.domain.indicators import JOIN, crossed_parts

CellKey = tuple[str | None, str | None, str | None]  # (organisation or None: all, dimension or None: total, category)
Relation = Literal["=", ">=", "<="]
Reason = Literal["primary", "secondary"]


@dataclass(frozen=True)
class Equation:
    """`sum(parts) <relation> total`: a row or column of one table of the linked set."""

    parts: tuple[CellKey, ...]
    total: CellKey
    relation: Relation = "="


class Auditor(Protocol):
    def intervals(self, values: Mapping[CellKey, Decimal], equations: Sequence[Equation],
                  withheld: set[CellKey], needed: Mapping[CellKey, Decimal], *,
                  integral: bool) -> dict[CellKey, tuple[Decimal, Decimal | None]]:
        """For each target (a withheld cell, with the width its interval needs), the least and
        greatest value (None: unbounded) consistent with every published value and every relation,
        the unknowns (`withheld`) being non-negative. A target's interval may be given only as
        narrowly as it takes to see it is too narrow, or that it is wide enough: what it gives lies
        inside the exact interval, and is too narrow exactly when that is."""
        ...


class LinkedUnderProtected(Exception):
    """No further cell could be withheld and a withheld cell is still pinned down."""


def equations_of(values: Mapping[CellKey, Decimal]) -> list[Equation]:
    """Every relation the published figures obey. Per dimension: each organisation's categories
    add up to its total; each category's organisations add up to all organisations; a two-way
    table's rows and columns add up to its two one-way tables; and the organisations' totals add
    up to the overall one. A breakdown in which one person can be in
    several categories does not add up: its relation is kept as the inequality it does obey, which
    tells the intruder no more than the truth."""
    organisations = sorted({o for o, _, _ in values if o is not None})
    dimensions = sorted({d for _, d, _ in values if d is not None})
    equations = []
    for dimension in dimensions:
        categories = sorted({c for o, d, c in values if d == dimension and c is not None})
        for org in [None, *organisations]:
            parts = tuple((org, dimension, c) for c in categories if (org, dimension, c) in values)
            if parts and (org, None, None) in values:
                equations.append(_relation(values, parts, (org, None, None)))
        if organisations:
            for category in categories:
                parts = tuple((o, dimension, category) for o in organisations if (o, dimension, category) in values)
                if parts and (None, dimension, category) in values:
                    equations.append(_relation(values, parts, (None, dimension, category)))
        equations += _two_way(values, dimension, categories, [None, *organisations])
    totals = tuple((o, None, None) for o in organisations if (o, None, None) in values)
    if totals and (None, None, None) in values:
        equations.append(_relation(values, totals, (None, None, None)))
    return equations


def _two_way(values: Mapping[CellKey, Decimal], dimension: str, categories: list[str],
             rows: list[str | None]) -> list[Equation]:
    """A two-way table `a*b`: for each organisation, the cells `ca|cb` of one category of `a` add up
    to that category in the one-way table of `a` (and the same for `b`), where it is published."""
    parts_of = crossed_parts(dimension)
    if parts_of is None:
        return []
    equations = []
    for side, one_way in enumerate(parts_of):
        for category in sorted({c.split(JOIN, 1)[side] for c in categories}):
            for org in rows:
                parts = tuple((org, dimension, c) for c in categories
                              if c.split(JOIN, 1)[side] == category and (org, dimension, c) in values)
                if parts and (org, one_way, category) in values:
                    equations.append(_relation(values, parts, (org, one_way, category)))
    return equations


def _relation(values: Mapping[CellKey, Decimal], parts: tuple[CellKey, ...], total: CellKey) -> Equation:
    gap = sum((values[p] for p in parts), Decimal(0)) - values[total]
    return Equation(parts, total, "=" if gap == 0 else (">=" if gap > 0 else "<="))


def required(value: Decimal, rule: Suppression) -> Decimal:
    """The narrowest interval a withheld primary cell may be left in: the safety range, at least one
    unit. A zero (a sum of euros or hours that the few people behind it did not have) needs none:
    tau-argus holds zero cells safe by default, and when every cell of a table is zero no pattern can
    hide it (the published zero total pins each part); refusing the report would help no one."""
    if value == 0:
        return Decimal(0)
    return max(Decimal(1), value * rule.safety_range_pct / 100)


def protect_linked(values: Mapping[CellKey, Decimal], withheld: Mapping[CellKey, Reason], rule: Suppression,
                   auditor: Auditor) -> dict[CellKey, Reason]:
    """The pattern made safe for the linked set: `withheld` (each table's own pattern) plus the
    cells that must also go so that no primary cell can be recovered through another table (a
    secondary cell is withheld to hide a primary, not for itself)."""
    pattern = dict(withheld)
    equations = equations_of(values)
    integral = all(v == v.to_integral_value() for v in values.values())
    # A cell found safe stays safe as more are withheld: only the weak ones are audited again.
    pending = {k for k, reason in pattern.items() if reason == "primary"}
    touching: dict[CellKey, list[Equation]] = defaultdict(list)  # each cell's relations, made once
    for eq in equations:
        for key in (*eq.parts, eq.total):
            touching[key].append(eq)
    while pending:
        intervals = auditor.intervals(values, equations, set(pattern), {k: required(values[k], rule) for k in pending},
                                      integral=integral)
        weak = sorted((k for k, (low, high) in intervals.items()
                       if high is not None and high - low < required(values[k], rule)), key=_order)
        if not weak:
            return pattern
        # One more cell for each weak one at a time (most share the cell they need): a funder's
        # report has hundreds of withheld cells, and one audit round per added cell is too slow.
        added = False
        for target in weak:
            extra = _next_cell(target, values, touching, pattern)
            if extra is not None and extra not in pattern:
                pattern[extra] = "secondary"
                added = True
        if not added:
            raise LinkedUnderProtected(f"cell {weak[0]} can be narrowed to {intervals[weak[0]]}")
        pending = set(weak)
    return pattern


def _next_cell(target: CellKey, values: Mapping[CellKey, Decimal], touching: Mapping[CellKey, list[Equation]],
               pattern: Mapping[CellKey, Reason]) -> CellKey | None:
    """The published cell to withhold next: among those in a relation reachable from `target`
    through withheld cells, the one losing least (a category before a total, which every table
    shares; then the smallest value; a zero only when nothing else is left)."""
    seen, frontier, candidates = {target}, [target], set()
    while frontier:
        key = frontier.pop()
        for eq in touching.get(key, ()):
            for other in (*eq.parts, eq.total):
                if other in pattern and other not in seen:
                    seen.add(other)
                    frontier.append(other)
                elif other not in pattern:
                    candidates.add(other)
    if not candidates:
        return None
    return min(candidates, key=lambda k: (values[k] == 0, k[1] is None, values[k], _order(k)))


def _order(key: CellKey) -> tuple[str, str, str]:
    return (key[0] or "", key[1] or "", key[2] or "")
