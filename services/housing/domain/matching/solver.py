"""The assignment as a mixed-integer programme, solved by HiGHS.

x[e] = 1 proposes edge e (household h, place p). Each household gets at most one place; the sizes of
the households proposed to a place fit its free beds (a household is never split). Maximise the sum of
the edges' values. This is a generalised assignment problem; HiGHS returns the solution together with
a proven upper bound (the dual bound of its branch and bound), so every answer says how far from
optimal it can be at most. The same model with x in [0, 1] is the LP relaxation whose capacity duals
price the places for the dynamic policy."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np


@dataclass(frozen=True)
class Solved:
    chosen: np.ndarray  # bool per edge given
    objective: float
    bound: float  # no assignment of these edges is worth more

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 1e-9 else max(0.0, (self.bound - self.objective) / self.bound)


@dataclass(frozen=True)
class Relaxed:
    x: np.ndarray
    objective: float
    place_duals: np.ndarray  # the value of one more free bed at each place row given
    place_rows: np.ndarray  # the place ids the duals belong to


def _model(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, capacity: np.ndarray,
           integer: bool) -> tuple[highspy.HighsLp, np.ndarray, int]:
    """Rows: one per household with two edges or more (a single edge is bounded by x <= 1 already), then one
    per place. Each column has at most two non-zeros, written straight into CSC form."""
    n = len(hi)
    hu, hinv, hcount = np.unique(hi, return_inverse=True, return_counts=True)
    multi = hcount >= 2
    hrow = np.full(len(hu), -1, dtype=np.int64)
    hrow[multi] = np.arange(int(multi.sum()))
    n_hrows = int(multi.sum())
    pu, pinv = np.unique(pi, return_inverse=True)
    col_hrow = hrow[hinv]
    has_h = col_hrow >= 0
    counts = 1 + has_h.astype(np.int64)
    start = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=start[1:])
    index = np.empty(int(start[-1]), dtype=np.int32)
    value = np.empty(int(start[-1]), dtype=np.float64)
    first = start[:-1]
    index[first[has_h]] = col_hrow[has_h]
    value[first[has_h]] = 1.0
    prow_pos = first + has_h
    index[prow_pos] = n_hrows + pinv
    value[prow_pos] = sizes
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = n_hrows + len(pu)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = w.astype(np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(lp.num_row_, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([np.ones(n_hrows), capacity[pu].astype(np.float64)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp, pu, n_hrows


_bannered = False


def new_highs() -> highspy.Highs:
    """A HiGHS instance. The first one of a process prints the library's banner on the C-level stdout
    before any option can turn output off, which would land among `make bench`'s `name value unit`
    lines and in the services' stdout: that one is made with stdout pointed at /dev/null."""
    global _bannered
    if _bannered:
        return highspy.Highs()  # type: ignore[no-untyped-call]
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    _bannered = True
    return h


def _highs(time_limit: float) -> highspy.Highs:
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    return h


def solve(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, capacity: np.ndarray, *,
          time_limit: float = 10.0, rel_gap: float = 1e-3, start: np.ndarray | None = None) -> Solved:
    """Best subset of the edges (`sizes` is each edge's household size; `pi` indexes `capacity`).
    `start` is a feasible choice
    to warm-start from (the current proposals): the answer is never worse than it."""
    useful = w > 1e-9
    if not useful.any():
        return Solved(np.zeros(len(hi), dtype=bool), 0.0, 0.0)
    idx = np.nonzero(useful)[0]
    lp, _, _ = _model(hi[idx], pi[idx], w[idx], sizes[idx], capacity, integer=True)
    h = _highs(time_limit)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = start[idx].astype(np.float64)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    info = h.getInfo()
    chosen = np.zeros(len(hi), dtype=bool)
    x = np.asarray(h.getSolution().col_value)
    if len(x) == len(idx):
        chosen[idx] = x > 0.5
    objective = float(w[chosen].sum())
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else objective
    return Solved(chosen, objective, max(bound, objective))


def relax(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, capacity: np.ndarray, *,
          time_limit: float = 30.0) -> Relaxed:
    """The LP relaxation with its capacity duals (the price of a bed at each place)."""
    useful = w > 1e-9
    idx = np.nonzero(useful)[0]
    if not len(idx):
        return Relaxed(np.zeros(len(hi)), 0.0, np.zeros(0), np.zeros(0, dtype=np.int64))
    lp, pu, n_hrows = _model(hi[idx], pi[idx], w[idx], sizes[idx], capacity, integer=False)
    h = _highs(time_limit)
    h.setOptionValue("solver", "simplex")
    h.passModel(lp)
    h.run()
    s = h.getSolution()
    x = np.zeros(len(hi))
    x[idx] = np.asarray(s.col_value)
    duals = np.abs(np.asarray(s.row_dual)[n_hrows:])  # a <= row of a maximisation has a non-negative price
    return Relaxed(x, float(h.getInfo().objective_function_value), duals, pu)
