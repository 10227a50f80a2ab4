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
    """The `Auditor` that production uses. One model per call (the relations, the published cells
    fixed); each target's least and greatest values are two objectives solved on it in turn."""

    def intervals(self, values: Mapping[CellKey, Decimal], equations: Sequence[Equation],
                  withheld: set[CellKey], targets: set[CellKey], *,
                  integral: bool) -> dict[CellKey, tuple[Decimal, Decimal | None]]:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        kind = highspy.HighsVarType.kInteger if integral else highspy.HighsVarType.kContinuous
        x = {k: h.addVariable(lb=0, ub=highspy.kHighsInf, type=kind) for k in sorted(withheld, key=_order)}

        def term(key: CellKey):  # noqa: ANN202 - a highspy expression or a number
            return x[key] if key in x else float(values[key])

        for eq in equations:
            if not withheld & {*eq.parts, eq.total}:
                continue
            expr = sum((term(p) for p in eq.parts), 0.0) - term(eq.total)
            h.addConstr(expr == 0 if eq.relation == "=" else (expr >= 0 if eq.relation == ">=" else expr <= 0))
        result: dict[CellKey, tuple[Decimal, Decimal | None]] = {}
        for target in sorted(targets, key=_order):
            h.minimize(x[target])
            low = _value(h, target)
            h.maximize(x[target])
            result[target] = (low if low is not None else Decimal(0), _value(h, target))
        return result


def _value(h: highspy.Highs, target: CellKey) -> Decimal | None:
    status = h.getModelStatus()
    if status in _UNBOUNDED:
        return None
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"the audit of {target} ended {h.modelStatusToString(status)}")
    return Decimal(repr(round(h.getInfo().objective_function_value, 6)))


def _order(key: CellKey) -> tuple[str, str, str]:
    return (key[0] or "", key[1] or "", key[2] or "")
