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
