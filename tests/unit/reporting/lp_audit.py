"""An audit independent of tau-argus: for each withheld cell of a table with its margins, the
smallest and largest value an intruder can derive from the published cells, solved exactly as an
integer program with HiGHS (highspy). Unknowns are the withheld cells, non-negative integers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import highspy

Key = tuple[str | None, str | None]  # (row: organisation or None for all, column: category or None for the total)


def feasible_intervals(values: Mapping[Key, Decimal], withheld: set[Key]) -> dict[Key, tuple[float, float]]:
    rows = {r for r, _ in values}
    columns = {c for _, c in values}
    constraints: list[tuple[Key, list[Key]]] = []
    for r in rows:  # each row's categories add up to its total
        parts = [(r, c) for c in columns if c is not None and (r, c) in values]
        if parts and (r, None) in values:
            constraints.append(((r, None), parts))
    if len(rows) > 1:
        for c in columns:  # each column's organisations add up to all organisations
            parts = [(r, c) for r in rows if r is not None and (r, c) in values]
            if parts and (None, c) in values:
                constraints.append(((None, c), parts))
    result = {}
    for target in withheld:
        bounds = []
        for sense in ("min", "max"):
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            x = {k: h.addVariable(lb=0, ub=float(values[(None, None)]) * 2 + 10, type=highspy.HighsVarType.kInteger)
                 for k in withheld}

            def term(k: Key, x=x):  # noqa: ANN001, ANN202
                return x[k] if k in x else float(values[k])

            for total, parts in constraints:
                if total not in x and all(p not in x for p in parts):
                    continue
                h.addConstr(sum((term(p) for p in parts), 0.0) - term(total) == 0)
            (h.minimize if sense == "min" else h.maximize)(x[target])
            bounds.append(h.val(x[target]))
        result[target] = (bounds[0], bounds[1])
    return result


LinkedKey = tuple[str | None, str | None, str | None]  # (organisation, dimension or None for the totals, category)


def linked_intervals(values: Mapping[LinkedKey, Decimal],
                     withheld: set[LinkedKey]) -> dict[LinkedKey, tuple[float, float]]:
    """The intruder's intervals over every table of one indicator at once: each breakdown's rows add
    up to the organisation's total (the same cell for every breakdown), its columns to all
    organisations, a two-way table's (`a*b`, cells `ca|cb`) to its one-way tables, and the
    organisations' totals to the overall one. Integer unknowns, with a bound
    far above any value so "unbounded" is a number."""
    orgs = {o for o, _, _ in values if o is not None}
    big = float(sum(values.values())) * 4 + 100
    constraints: list[tuple[LinkedKey, list[LinkedKey]]] = []
    for dim in {d for _, d, _ in values if d is not None}:
        cats = {c for o, d, c in values if d == dim}
        for org in orgs | {None}:
            parts = [(org, dim, c) for c in cats if (org, dim, c) in values]
            if parts:
                constraints.append(((org, None, None), parts))
        if orgs:
            for c in cats:
                constraints.append(((None, dim, c), [(o, dim, c) for o in orgs if (o, dim, c) in values]))
        if "*" in dim:  # a two-way table: its rows and its columns add up to the one-way tables
            for side, one_way in enumerate(dim.split("*")):
                for org in orgs | {None}:
                    for code in {c.split("|")[side] for c in cats}:
                        if (org, one_way, code) in values:
                            constraints.append(((org, one_way, code), [
                                (org, dim, c) for c in cats if c.split("|")[side] == code and (org, dim, c) in values]))
    if orgs:
        constraints.append(((None, None, None), [(o, None, None) for o in orgs]))
    result = {}
    for target in withheld:
        bounds = []
        for sense in ("min", "max"):
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            x = {k: h.addVariable(lb=0, ub=big, type=highspy.HighsVarType.kInteger) for k in withheld}
            for total, parts in constraints:
                if total in x or any(p in x for p in parts):
                    lhs = sum((x[p] if p in x else float(values[p]) for p in parts), 0.0)
                    h.addConstr(lhs - (x[total] if total in x else float(values[total])) == 0)
            (h.minimize if sense == "min" else h.maximize)(x[target])
            bounds.append(h.val(x[target]))
        result[target] = (bounds[0], bounds[1])
    return result
