"""The transportation problem behind matching, in HiGHS, and the proof that its answer is optimal.

Each person takes at most one opening and each opening at most its free seats. The constraint matrix
is totally unimodular, so the linear programme's basic optimum is integral and HiGHS's simplex solves
the assignment exactly (no branch and bound, no gap). Only some pairs are columns of the model at a
time; every pair in the pool is priced with the duals and those with a positive reduced score join,
until none is left (column generation): the result is optimal over all feasible pairs, and
`certificate()` proves it with a bound computed from the duals over the whole pool. Between changes
only the pairs touching a row whose dual fell are priced again (no other pair's reduced score can
have risen); columns far from entering leave the model after a full solve, since the simplex's cost
per restart grows with its columns."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from employment.domain.matching.pool import EdgePool
from employment.domain.matching.tables import Openings, People

TOLERANCE = 1e-6
# Columns whose reduced score is below -KEEP_MARGIN points leave the model after a full solve (they
# come back through pricing if the duals ever move that far).
KEEP_MARGIN = 5.0
# Past this many rows whose dual fell, pricing the whole pool is cheaper than gathering their pairs.
LOCAL_PRICING_ROWS = 1500
# When many pairs could enter at once (after the first solve), only each person's best few join per round.
ENTERING_CAP = 20_000
ENTERING_PER_PERSON = 2


@dataclass(frozen=True)
class Certificate:
    """The assignment's total (solver points) and an upper bound on any assignment's, from the duals."""

    total: float
    bound: float
    pairs_priced: int
    columns: int

    @property
    def gap_pct(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, 100.0 * (self.bound - self.total) / self.bound)


class TransportProblem:
    """The HiGHS model, the pool of pairs, the prices; owned by one engine, driven by one task."""

    def __init__(self) -> None:
        self.people, self.openings, self.pool = People(), Openings(), EdgePool()
        self._h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's constructor has no annotations
        self._h.setOptionValue("output_flag", False)
        self._h.setOptionValue("presolve", "off")
        # HiGHS's thread pool is one per process, sized by the first run: every HiGHS user in the platform
        # (housing's matcher too) asks for one thread, so none finds the pool sized otherwise and refused
        _ok(self._h.setOptionValue("threads", 1), "run on one thread")
        self._person_row: list[int] = []
        self._opening_row: list[int] = []
        self._col_edge = np.zeros(0, np.int64)
        self._row_upper: list[float] = []
        self._prices = np.zeros(0)
        self._x = np.zeros(0)  # the columns' values at the last optimum (kept while a change cannot move it)
        # pairs by row, built at load: person rows' pairs are contiguous; openings' through an ordering
        self._person_ptr = np.zeros(1, np.int64)
        self._opening_order = np.zeros(0, np.int64)
        self._opening_ptr = np.zeros(1, np.int64)
        self._indexed = 0  # pool pairs below this index are in the row index; later ones are priced always

    def _index_rows(self) -> None:
        n = self.pool.n
        self._person_ptr = np.searchsorted(self.pool.person[:n], np.arange(self.people.n + 1)).astype(np.int64)
        self._opening_order = np.argsort(self.pool.opening[:n], kind="stable")
        self._opening_ptr = np.searchsorted(self.pool.opening[:n][self._opening_order],
                                            np.arange(self.openings.n + 1)).astype(np.int64)
        self._indexed = n

    def _compact(self) -> None:
        """Drop the columns that are far from entering, and the dead ones, from the model."""
        sol = self._h.getSolution()
        x = np.asarray(sol.col_value)
        reduced = -np.asarray(sol.col_dual)  # the reduced score of each column in the maximisation
        edges = self._col_edge
        # basic columns have a reduced score of 0 and stay (the basis stays whole); so do the near ones
        keep = (x > TOLERANCE) | ((reduced > -max(KEEP_MARGIN, 1e-3)) & self.pool.alive[edges])
        drop = np.flatnonzero(~keep).astype(np.int32)
        if len(drop) == 0:
            return
        _ok(self._h.deleteCols(len(drop), drop), "delete the columns far from entering")
        self.pool.column[edges[drop]] = -1
        self._col_edge = edges[keep]
        self.pool.column[self._col_edge] = np.arange(len(self._col_edge))
        # Every pair outside the model, the dropped ones included, had a reduced score <= 0 at the prices
        # kept in `_prices`: the usual re-solve (pricing the pairs of rows whose price fell) keeps the proof.
        self._solve()

    def _new_row(self, upper: float, rows: list[int]) -> int:
        r = len(self._row_upper)
        _ok(self._h.addRow(0.0, upper, 0, np.zeros(0, np.int32), np.zeros(0)), "add a row")
        self._row_upper.append(upper)
        self._prices = np.append(self._prices, 0.0)
        rows.append(r)
        return r

    def _add_columns(self, edges: np.ndarray) -> None:
        if len(np.unique(edges)) != len(edges) or np.any(self.pool.column[edges] >= 0):
            raise RuntimeError("a pair would get a second column")  # its copy would outlive the pair's death
        n = len(edges)
        if n == 0:
            return
        prow = np.asarray(self._person_row, np.int32)[self.pool.person[edges]]
        orow = np.asarray(self._opening_row, np.int32)[self.pool.opening[edges]]
        index = np.empty(2 * n, np.int32)
        index[0::2], index[1::2] = prow, orow
        first = self._h.getNumCol()
        _ok(self._h.addCols(n, -self.pool.weight[edges], np.zeros(n), np.ones(n), 2 * n,
                            np.arange(0, 2 * n, 2, dtype=np.int32), index, np.ones(2 * n)), "add columns")
        self.pool.column[edges] = np.arange(first, first + n)
        self._col_edge = np.concatenate([self._col_edge, edges])
        self._x = np.concatenate([self._x, np.zeros(n)])

    def _run(self) -> np.ndarray:
        """Re-optimise; the rows' prices (all 0 while the model has no column yet)."""
        if self._h.getNumCol() == 0:
            return np.zeros(len(self._row_upper))
        self._h.run()
        status = self._h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"matching model not solved: {self._h.modelStatusToString(status)}")
        solution = self._h.getSolution()
        self._x = np.asarray(solution.col_value)
        prices: np.ndarray = np.maximum(0.0, -np.asarray(solution.row_dual))  # each row's price, non-negative
        return prices

    def _solve(self, *, full: bool = False) -> None:
        """Simplex from the current basis, then price pairs until none can raise the total.

        Invariant between calls: every pair outside the model has a reduced score <= 0 at
        `self._prices`. After a change, only pairs touching a row whose price fell can break it."""
        person_row = np.asarray(self._person_row, np.int64)
        opening_row = np.asarray(self._opening_row, np.int64)
        while True:
            u = self._run()
            candidates = None if full else self._touched(u, person_row, opening_row)
            self._prices = u
            if candidates is None:
                candidates = self.pool.live()
            candidates = candidates[(self.pool.column[candidates] < 0) & self.pool.alive[candidates]]
            reduced = (self.pool.weight[candidates] - u[person_row[self.pool.person[candidates]]]
                       - u[opening_row[self.pool.opening[candidates]]])
            entering = candidates[reduced > TOLERANCE]
            if len(entering) == 0:
                return
            if len(entering) > ENTERING_CAP:  # the best few per person: a smaller model re-solves faster
                entering = entering[best_per_row(self.pool.person[entering], reduced[reduced > TOLERANCE],
                                                  ENTERING_PER_PERSON)]
            self._add_columns(entering)
            full = False

    def _touched(self, u: np.ndarray, person_row: np.ndarray, opening_row: np.ndarray) -> np.ndarray | None:
        """The pairs touching a row whose price fell, and every pair added since the index was built."""
        fell = np.zeros(len(u), np.bool_)
        fell[: len(self._prices)] = u[: len(self._prices)] < self._prices - TOLERANCE
        people = np.flatnonzero(fell[person_row[: self.people.n]] if len(person_row) else fell[:0])
        openings = np.flatnonzero(fell[opening_row[: self.openings.n]] if len(opening_row) else fell[:0])
        if len(people) + len(openings) > LOCAL_PRICING_ROWS:
            return None
        parts = [np.arange(self._indexed, self.pool.n)]
        indexed_people = people[people < len(self._person_ptr) - 1]
        parts += [np.arange(self._person_ptr[p], self._person_ptr[p + 1]) for p in indexed_people]
        indexed_openings = openings[openings < len(self._opening_ptr) - 1]
        parts += [self._opening_order[self._opening_ptr[o]: self._opening_ptr[o + 1]] for o in indexed_openings]
        return np.unique(np.concatenate(parts))  # a pair touching a fallen person and a fallen seat comes once

    def _drop_columns(self, cols: np.ndarray) -> bool:
        """Close the columns of dead pairs; True when the optimum used one of them."""
        if not len(cols):
            return False
        cols = np.unique(cols)  # HiGHS takes a set of columns in increasing order, and refuses others
        _ok(self._h.changeColsBounds(len(cols), cols.astype(np.int32), np.zeros(len(cols)), np.zeros(len(cols))),
            "close columns")
        used = bool(np.any(self._x[cols] > 0.5))
        self._x[cols] = 0.0
        return used

    def _set_row(self, row: int, upper: float) -> None:
        self._row_upper[row] = upper
        _ok(self._h.changeRowBounds(row, 0.0, upper), "change a row's bound")

    def certificate(self) -> Certificate:
        """The total and a bound valid for every assignment over the whole pool (Lagrangian, from the duals)."""
        x = self._x
        if np.any((x > TOLERANCE) & (x < 1 - TOLERANCE)):
            raise RuntimeError("fractional assignment: the model lost its transportation structure")
        chosen = self._col_edge[x > 0.5]
        self._check_feasible(chosen)
        total = float(self.pool.weight[chosen].sum())
        u = self._prices
        live = self.pool.live()
        # int64 even when empty: an organisation with nobody to match has empty row maps, which numpy
        # would otherwise make float arrays, unfit as indices.
        person_row = np.asarray(self._person_row, dtype=np.int64)
        opening_row = np.asarray(self._opening_row, dtype=np.int64)
        slack = (self.pool.weight[live] - u[person_row[self.pool.person[live]]]
                 - u[opening_row[self.pool.opening[live]]])
        bound = float(u @ np.asarray(self._row_upper) + np.maximum(0.0, slack).sum())
        if total > bound + 1e-6 * max(1.0, bound):
            raise RuntimeError(f"the assignment's total {total} exceeds the bound {bound}: the duals are wrong")
        return Certificate(total=total, bound=bound, pairs_priced=len(live), columns=len(self._col_edge))

    def _check_feasible(self, chosen: np.ndarray) -> None:
        """The assignment checked on its own, not trusted from the solver: live pairs only, every person at
        most once, every opening within its seats."""
        if not np.all(self.pool.alive[chosen]):
            raise RuntimeError("the assignment uses a pair that no longer exists")
        people = np.bincount(self.pool.person[chosen], minlength=self.people.n)
        seats = np.bincount(self.pool.opening[chosen], minlength=self.openings.n)
        upper = np.asarray(self._row_upper)
        if np.any(people > upper[np.asarray(self._person_row, np.int64)] + TOLERANCE) or np.any(
                seats > upper[np.asarray(self._opening_row, np.int64)] + TOLERANCE):
            raise RuntimeError("the assignment puts a person twice or an opening past its seats")


def _ok(status: highspy.HighsStatus, what: str) -> None:
    """HiGHS answers a refused model change with a status, not an exception: make it one."""
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused to {what}: {status}")


def best_per_row(rows: np.ndarray, pts: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k best-scoring pairs (rows arrive grouped and sorted)."""
    if len(rows) == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((-pts, rows))
    sorted_rows = rows[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows)
    return order[rank < k]
