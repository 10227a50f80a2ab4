"""The linked set's audit solved by HiGHS (`highspy`, the solver tau-argus itself bundles): for each
withheld primary cell, its least and greatest value over every relation of every table of the
indicator, the published cells fixed at their values, the withheld ones non-negative unknowns.

How it stays fast on a funder's report (hundreds of withheld cells): the withheld cells fall apart
into groups that share no relation (through published cells nothing passes), and each group is one
small model; on it, each target's two objectives are solved in turn as linear programs, the simplex
starting from the previous basis. Counts are whole people, and an intruder knows it: when every
value is whole and the linear optimum is not, that bound is solved again as an integer program (the
integer bound is the exact one; it is never wider than the linear one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import highspy

from reporting.domain.linked import CellKey, Equation

_UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


class HighsAudit:
    """The `Auditor` that production uses."""

    def intervals(self, values: Mapping[CellKey, Decimal], equations: Sequence[Equation],
                  withheld: set[CellKey], needed: Mapping[CellKey, Decimal], *,
                  integral: bool) -> dict[CellKey, tuple[Decimal, Decimal | None]]:
        targets = set(needed)
        result: dict[CellKey, tuple[Decimal, Decimal | None]] = {}
        for cells, relations in _groups(equations, withheld):
            wanted = sorted(targets & cells, key=_order)
            if not wanted:
                continue
            model = _Model(values, relations, cells, integral=False)
            exact: _Model | None = None
            for target in wanted:
                least, low_whole = model.bound(target, maximise=False)
                high, high_whole = model.bound(target, maximise=True)
                low = least if least is not None else Decimal(0)  # a minimum is never unbounded (x >= 0)
                if integral and not (low_whole and high_whole):
                    # The linear optimum splits a person. The integer interval lies inside the linear
                    # one, so a cell already too narrow there is weak; else solve it in whole people.
                    if high is not None and high - low < needed[target]:
                        result[target] = (low, high)
                        continue
                    exact = exact or _Model(values, relations, cells, integral=True)
                    if not low_whole:
                        low = exact.bound(target, maximise=False)[0] or Decimal(0)
                    if not high_whole:
                        high = exact.bound(target, maximise=True)[0]
                result[target] = (low, high)
        for target in targets - result.keys():  # in no relation at all: nothing bounds it
            result[target] = (Decimal(0), None)
        return result


class _Model:
    def __init__(self, values: Mapping[CellKey, Decimal], equations: Sequence[Equation], cells: set[CellKey], *,
                 integral: bool) -> None:
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        if not integral:  # presolve would throw the last basis away; from it, a new objective is a few pivots
            h.setOptionValue("presolve", "off")
        kind = highspy.HighsVarType.kInteger if integral else highspy.HighsVarType.kContinuous
        self.x = x = {k: h.addVariable(lb=0, ub=highspy.kHighsInf, type=kind) for k in sorted(cells, key=_order)}

        def term(key: CellKey):  # noqa: ANN202 - a highspy expression or a number
            return x[key] if key in x else float(values[key])

        for eq in equations:
            expr = sum((term(p) for p in eq.parts), 0.0) - term(eq.total)
            h.addConstr(expr == 0 if eq.relation == "=" else (expr >= 0 if eq.relation == ">=" else expr <= 0))

    def bound(self, target: CellKey, *, maximise: bool) -> tuple[Decimal | None, bool]:
        """The least or greatest value (None: unbounded), and whether the optimum found is whole in
        every cell (then it is also the integer program's optimum)."""
        h = self.h
        (h.maximize if maximise else h.minimize)(self.x[target])
        status = h.getModelStatus()
        if status in _UNBOUNDED:
            return None, True
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the audit of {target} ended {h.modelStatusToString(status)}")
        whole = all(abs(v - round(v)) < 1e-9 for v in h.getSolution().col_value)
        return Decimal(repr(round(h.getInfo().objective_function_value, 6))), whole


def _groups(equations: Sequence[Equation],
            withheld: set[CellKey]) -> list[tuple[set[CellKey], list[Equation]]]:
    """The withheld cells joined by the relations they share, each group with its relations."""
    parent = {k: k for k in withheld}

    def root(k: CellKey) -> CellKey:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching = []
    for eq in equations:
        unknown = [k for k in (*eq.parts, eq.total) if k in parent]
        if unknown:
            touching.append((eq, unknown[0]))
            for other in unknown[1:]:
                parent[root(other)] = root(unknown[0])
    groups: dict[CellKey, tuple[set[CellKey], list[Equation]]] = {}
    for k in withheld:
        groups.setdefault(root(k), (set(), []))[0].add(k)
    for eq, first in touching:
        groups[root(first)][1].append(eq)
    return [g for g in groups.values() if g[1]]


def _order(key: CellKey) -> tuple[str, str, str]:
    return (key[0] or "", key[1] or "", key[2] or "")
