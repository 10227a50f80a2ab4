"""The linked set's audit solved by HiGHS (`highspy`, the solver tau-argus itself bundles): for each
withheld primary cell, its least and greatest value over every relation of every table of the
indicator, the published cells fixed at their values, the withheld ones non-negative unknowns.

How it stays fast on a funder's report (hundreds of withheld cells): the withheld cells fall apart
into groups that share no relation (through published cells nothing passes), and each group is one
small model; on it, each target's two objectives are solved in turn as linear programs, the simplex
starting from the previous basis, and a target that the solutions already found hold as far apart
as it needs is not solved at all (each solution is a point the published figures allow). Counts are
whole people, and an intruder knows it: when every value is whole and the linear optimum is not,
that bound is solved again as an integer program (the integer bound is the exact one; it is never
wider than the linear one)."""

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
            seen = _Witnesses(integral)
            for target in wanted:
                if (known := seen.wide(target, needed[target])) is not None:
                    result[target] = known  # two solutions already found hold it this far apart
                    continue
                least, low_whole = seen.add(model, model.bound(target, maximise=False))
                low = least if least is not None else Decimal(0)  # a minimum is never unbounded (x >= 0)
                if (low_whole or not integral) and (known := seen.above(target, low, needed[target])) is not None:
                    result[target] = known
                    continue
                high, high_whole = seen.add(model, model.bound(target, maximise=True))
                if integral and not (low_whole and high_whole):
                    # The linear optimum splits a person. The integer interval lies inside the linear
                    # one, so a cell already too narrow there is weak; else solve it in whole people.
                    if high is not None and high - low < needed[target]:
                        result[target] = (low, high)
                        continue
                    exact = exact or _Model(values, relations, cells, integral=True)
                    if not low_whole:
                        low = seen.add(exact, exact.bound(target, maximise=False))[0] or Decimal(0)
                    if not high_whole:
                        high = seen.add(exact, exact.bound(target, maximise=True))[0]
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
        self.solution: dict[CellKey, Decimal] | None = None  # the last bound's optimal point
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
        self.solution = None
        (h.maximize if maximise else h.minimize)(self.x[target])
        status = h.getModelStatus()
        if status in _UNBOUNDED:
            return None, True
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the audit of {target} ended {h.modelStatusToString(status)}")
        point = h.getSolution().col_value
        whole = all(abs(v - round(v)) < 1e-9 for v in point)
        self.solution = {key: Decimal(round(v)) if whole else Decimal(repr(round(v, 6)))
                         for key, v in zip(self.x, point, strict=True)}
        return Decimal(repr(round(h.getInfo().objective_function_value, 6))), whole


class _Witnesses:
    """Every solution found is a point the published figures allow, so each cell lies at least as far
    apart as its least and greatest value over them: a target those already hold wide enough needs no
    solve of its own (most of a funder's report's cells, once a few bounds are solved). In whole
    people only whole solutions count: an intruder knows a count is whole."""

    def __init__(self, integral: bool) -> None:
        self.integral = integral
        self.low: dict[CellKey, Decimal] = {}
        self.high: dict[CellKey, Decimal] = {}

    def add(self, model: _Model, bound: tuple[Decimal | None, bool]) -> tuple[Decimal | None, bool]:
        if model.solution is not None and (bound[1] or not self.integral):
            for key, value in model.solution.items():
                if key not in self.low or value < self.low[key]:
                    self.low[key] = value
                if key not in self.high or value > self.high[key]:
                    self.high[key] = value
        return bound

    def wide(self, target: CellKey, needed: Decimal) -> tuple[Decimal, Decimal] | None:
        if target in self.low and self.high[target] - self.low[target] >= needed:
            return self.low[target], self.high[target]
        return None

    def above(self, target: CellKey, low: Decimal, needed: Decimal) -> tuple[Decimal, Decimal] | None:
        """With the least value solved: is a solution found already far enough above it?"""
        if target in self.high and self.high[target] - low >= needed:
            return low, self.high[target]
        return None


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
