"""Spent against budget, by work package and budget line, in exact decimal euros."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reporting.domain.budgets import BudgetVersion

CENT = Decimal("0.01")
DEFINITION = {
    "it": ("Speso: la somma esatta in euro dei costi degli interventi (intake.intervention_recorded, o la loro "
           "correzione: conta il valore corretto), degli anticipi d'affitto e dei contributi pagati "
           "(housing.support_changed con stato paid) e delle indennità di tirocinio e delle borse pagate "
           "(employment.payment_made) del progetto, registrati entro la data di riferimento; ogni spesa va alla "
           "riga di budget del suo pacchetto di lavoro (data/cost_lines.yaml; le fonti di ogni riga sono "
           "elencate). Budget: le righe della versione del budget del progetto in vigore alla data di "
           "riferimento, cioè l'ultima registrata entro quella data; prima della prima registrazione il budget "
           "non c'è (null, non zero). Residuo: budget meno speso."),
    "en": ("Spent: the exact sum in euros of the project's intervention costs (intake.intervention_recorded, or "
           "their correction: the corrected value counts), rent advances and contributions paid "
           "(housing.support_changed with status paid) and traineeship allowances and bursaries paid "
           "(employment.payment_made), recorded by the as-of date; each goes to its work package's budget line "
           "(data/cost_lines.yaml; each line lists its sources). Budget: the lines of the version of the project's "
           "budget in force at the as-of date, the latest recorded by then; before the first was recorded there "
           "is no budget (null, not zero). Left: budget minus spent."),
}


@dataclass(frozen=True)
class CostLine:
    event_type: str
    kinds: tuple[str, ...] | None  # None: any kind
    categories: tuple[str, ...] | None  # None: any category (a status: only what was paid is spent)
    work_package: str
    budget_line: str


def cost_lines(raw: Sequence[Mapping[str, Any]]) -> list[CostLine]:
    def chosen(value: Any) -> tuple[str, ...] | None:
        return None if value in (None, "*") else tuple(value)

    return [CostLine(r["event_type"], chosen(r.get("kind")), chosen(r.get("category")), r["work_package"],
                     r["budget_line"]) for r in raw]


def line_of(lines: Sequence[CostLine], event_type: str, kind: str | None,
            category: str | None) -> tuple[str, str] | None:
    """The first line the spending matches; None for amounts that are not spending (a request)."""
    for line in lines:
        if line.event_type == event_type and (line.kinds is None or kind in line.kinds) and (
                line.categories is None or category in line.categories):
            return line.work_package, line.budget_line
    return None


def sources(lines: Sequence[CostLine], work_package: str, budget_line: str) -> list[str]:
    """What is charged to one budget line, in words of events: "housing.support_changed kind=rent_advance
    category=paid". A kind listed by an earlier line of the file is charged there, not here."""
    out = []
    for line in lines:
        if (line.work_package, line.budget_line) == (work_package, budget_line):
            words = [line.event_type]
            if line.kinds is not None:
                words.append("kind=" + ",".join(line.kinds))
            if line.categories is not None:
                words.append("category=" + ",".join(line.categories))
            out.append(" ".join(words))
    return out


def spending(lines: Sequence[CostLine], amounts: Iterable[tuple[str, str | None, str | None, Decimal]],
             budget: BudgetVersion | None) -> list[dict[str, Any]]:
    """Each (work package, budget line) with its budget, what was spent and what is left. Without a
    budget in force (`None`), a line's budget and what is left are None: unknown, not zero."""
    spent: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for event_type, kind, category, amount in amounts:
        line = line_of(lines, event_type, kind, category)
        if line is not None:
            spent[line] += amount
    budgeted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for b in budget.lines if budget is not None else ():
        budgeted[(b.work_package, b.budget_line)] += b.amount_eur
    keys = sorted(set(spent) | set(budgeted))

    def euros(value: Decimal) -> str | None:
        return str(value.quantize(CENT)) if budget is not None else None

    return [{
        "work_package": wp, "budget_line": bl, "budget_eur": euros(budgeted[(wp, bl)]),
        "spent_eur": str(spent[(wp, bl)].quantize(CENT)),
        "left_eur": euros(budgeted[(wp, bl)] - spent[(wp, bl)]),
        "sources": sources(lines, wp, bl),
    } for wp, bl in keys]
