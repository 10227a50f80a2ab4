"""Spent against budget, by work package and budget line, in exact decimal euros."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CostLine:
    event_type: str
    kinds: tuple[str, ...] | None  # None: any kind
    work_package: str
    budget_line: str


def cost_lines(raw: Sequence[Mapping[str, Any]]) -> list[CostLine]:
    return [CostLine(r["event_type"], None if r["kind"] == "*" else tuple(r["kind"]), r["work_package"],
                     r["budget_line"]) for r in raw]


def line_of(lines: Sequence[CostLine], event_type: str, kind: str | None) -> tuple[str, str]:
    for line in lines:
        if line.event_type == event_type and (line.kinds is None or kind in line.kinds):
            return line.work_package, line.budget_line
    return "unassigned", "other"


def spending(lines: Sequence[CostLine], amounts: Iterable[tuple[str, str | None, Decimal]],
             budget: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Each (work package, budget line) with its budget, what was spent and what is left."""
    spent: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for event_type, kind, amount in amounts:
        spent[line_of(lines, event_type, kind)] += amount
    budgeted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for b in budget:
        budgeted[(b["work_package"], b["budget_line"])] += Decimal(b["amount_eur"])
    keys = sorted(set(spent) | set(budgeted))
    return [{
        "work_package": wp, "budget_line": bl, "budget_eur": str(budgeted[(wp, bl)].quantize(CENT)),
        "spent_eur": str(spent[(wp, bl)].quantize(CENT)),
        "left_eur": str((budgeted[(wp, bl)] - spent[(wp, bl)]).quantize(CENT)),
    } for wp, bl in keys]
