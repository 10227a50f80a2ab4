"""The linked set's audit solved by HiGHS (`highspy`, the solver tau-argus itself bundles): for each
withheld cell, two programs (least and greatest value) over every relation of every table of the
indicator, the published cells fixed at their values. Counts are integers (an intruder knows a
person is not split), so the programs are integer ones when every value is whole; euros and hours
are solved as linear programs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import highspy

from reporting.domain.linked import CellKey, Equation

_UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


class HighsAudit:
    """The `Auditor` that production uses."""

    def intervals(self, values: Mapping[CellKey, Decimal], equations: Sequence[Equation],
                  withheld: set[CellKey], *, integral: bool) -> dict[CellKey, tuple[Decimal, Decimal | None]]:
        relevant = [eq for eq in equations if withheld & {*eq.parts, eq.total}]
        result: dict[CellKey, tuple[Decimal, Decimal | None]] = {}
        for target in sorted(withheld, key=lambda k: tuple(p or "" for p in k)):
            low = self._solve(values, relevant, withheld, target, maximise=False, integral=integral)
            high = self._solve(values, relevant, withheld, target, maximise=True, integral=integral)
            result[target] = (low if low is not None else Decimal(0), high)
        return result

    @staticmethod
    def _solve(values: Mapping[CellKey, Decimal], equations: Sequence[Equation], withheld: set[CellKey],
               target: CellKey, *, maximise: bool, integral: bool) -> Decimal | None:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        kind = highspy.HighsVarType.kInteger if integral else highspy.HighsVarType.kContinuous
        x = {k: h.addVariable(lb=0, ub=highspy.kHighsInf, type=kind) for k in sorted(
            withheld, key=lambda k: tuple(p or "" for p in k))}

        def term(key: CellKey):  # noqa: ANN202 - a highspy expression or a number
            return x[key] if key in x else float(values[key])

        for eq in equations:
            expr = sum((term(p) for p in eq.parts), 0.0) - term(eq.total)
            if eq.relation == "=":
                h.addConstr(expr == 0)
            elif eq.relation == ">=":
                h.addConstr(expr >= 0)
            else:
                h.addConstr(expr <= 0)
        (h.maximize if maximise else h.minimize)(x[target])
        if h.getModelStatus() in _UNBOUNDED:
            return None
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the audit of {target} ended {h.modelStatusToString(h.getModelStatus())}")
        return Decimal(repr(round(h.val(x[target]), 6)))
