"""Deciding over time with a waiting list: who is proposed now, who waits (after Ahani, Gölz, Procaccia,
Teytelboym and Trapp, "Dynamic placement in refugee resettlement", Operations Research 2024).

Their agency must place each arrival at once; they decide by a two-stage stochastic programme: the
first stage is the week's arrivals, the second stage the rest of the year in each of several futures
sampled from the arrival model, and every future's localities have the year's capacity. Two things
differ here and both help:
- a household waits on a list until the date it must leave reception, so a bed need not be given the
  week it frees up. Only the households whose date is due are the first stage: the others are known
  for sure and sit in every future's second stage with the sampled arrivals, so they compete for the
  beds in the model without being placed yet (nothing is lost by waiting: the bed and they stay).
- the first stage is shared by all futures in ONE linear programme (the sample average), not one LP
  per future averaged afterwards: its decision must be good against all of them at once.
A due household is then proposed where the programme places it (x above `THRESHOLD`), by an exact
assignment on those edges weighted by x times the score, so no bed goes twice. The capacity duals of the
same programme are the beds' potentials, as in the paper."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from housing.domain.matching.solver import new_highs, solve

THRESHOLD = 0.3  # a due household is proposed only where the programme puts at least this share of it


@dataclass(frozen=True)
class Edges:
    """Candidate pairs: household `hi`, place `pi`, value `w`, household size per edge."""
    hi: np.ndarray
    pi: np.ndarray
    w: np.ndarray
    sizes: np.ndarray


@dataclass(frozen=True)
class Future:
    """One sampled future: the second-stage households (the known waiting ones, then sampled arrivals)
    and the places, the first `open` of which are the places open now (their capacity is shared with the
    first stage); `capacity` covers the sampled places after them."""
    edges: Edges
    n_households: int
    capacity: np.ndarray  # of the sampled places only


@dataclass(frozen=True)
class Decision:
    chosen: np.ndarray  # bool per first-stage edge: proposed now
    x: np.ndarray  # the programme's share per first-stage edge
    potentials: np.ndarray  # per open place: the mean capacity dual over the futures


def _csc(n: int, cols: list[np.ndarray], rows: list[np.ndarray], vals: list[np.ndarray]) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise arrays of n columns from (column, row, value) triplets."""
    c, r, v = np.concatenate(cols), np.concatenate(rows), np.concatenate(vals)
    order = np.argsort(c, kind="stable")
    starts = np.searchsorted(c[order], np.arange(n)).astype(np.int32)
    return starts, r[order].astype(np.int32), v[order].astype(np.float64)


def _place_entries(col: np.ndarray, pi: np.ndarray, sizes: np.ndarray, capacity: np.ndarray,
                   at: int) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """A place's three rows from `at` (capacity, then the two cuts: at most one household bigger than half
    its beds, at most two bigger than a third; without them the LP packs a place with halves of families
    that never fit whole, and misjudges what a bed is worth)."""
    n = len(capacity)
    big1, big2 = sizes > capacity[pi] / 2, sizes > capacity[pi] / 3
    return ([col, col[big1], col[big2]], [at + pi, at + n + pi[big1], at + 2 * n + pi[big2]],
            [sizes.astype(np.float64), np.ones(int(big1.sum())), np.ones(int(big2.sum()))])


def _place_bounds(capacity: np.ndarray) -> list[np.ndarray]:
    n = len(capacity)
    return [capacity.astype(np.float64), np.ones(n), np.full(n, 2.0)]


def decide(first: Edges, n_first: int, open_capacity: np.ndarray, futures: list[Future],
           threshold: float = THRESHOLD, time_limit: float = 30.0) -> Decision:
    """The sample-average LP over the due households (`first`, indices < n_first; places index
    `open_capacity`) and every future, then the due households' proposals."""
    n_open, k = len(open_capacity), max(1, len(futures))
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    upper = [np.ones(n_first)]
    place_rows = []  # per future: the first of its places' rows
    row = n_first
    n1 = len(first.hi)
    c1: list[np.ndarray] = [np.arange(n1)]
    r1: list[np.ndarray] = [first.hi]
    v1: list[np.ndarray] = [np.ones(n1)]
    scenario_cols = []
    for f in futures or [Future(Edges(*(np.zeros(0, dtype=np.int64),) * 4), 0, np.zeros(0, dtype=np.int64))]:
        capacity = np.concatenate([open_capacity, f.capacity])
        at = row + f.n_households
        place_rows.append(at)
        upper += [np.ones(f.n_households)] + _place_bounds(capacity)
        row = at + 3 * len(capacity)
        c, r, v = _place_entries(np.arange(n1), first.pi, first.sizes, capacity, at)
        c1 += c
        r1 += r
        v1 += v
        e = f.edges
        n = len(e.hi)
        c, r, v = _place_entries(np.arange(n), e.pi, e.sizes, capacity, at)
        scenario_cols.append((e, _csc(n, [np.arange(n)] + c, [row - 3 * len(capacity) - f.n_households + e.hi] + r,
                                      [np.ones(n)] + v)))
    h.addRows(row, np.full(row, -highspy.kHighsInf), np.concatenate(upper), 0, np.zeros(row, dtype=np.int32),
              np.zeros(0, dtype=np.int32), np.zeros(0))
    starts, index, value = _csc(n1, c1, r1, v1)
    h.addCols(n1, first.w.astype(np.float64), np.zeros(n1), np.ones(n1), len(index), starts, index, value)
    for e, (starts, index, value) in scenario_cols:
        n = len(e.hi)
        h.addCols(n, e.w.astype(np.float64) / k, np.zeros(n), np.ones(n), len(index), starts, index, value)
    h.run()
    s = h.getSolution()
    x = np.asarray(s.col_value)[:n1]
    dual = np.abs(np.asarray(s.row_dual))
    potentials = np.zeros(n_open)
    for at in place_rows:
        potentials += dual[at:at + n_open]
    keep = np.nonzero((x > threshold) & (first.w > 0))[0]
    chosen = np.zeros(n1, dtype=bool)
    if len(keep):
        sub = solve(first.hi[keep], first.pi[keep], x[keep] * first.w[keep], first.sizes[keep], open_capacity,
                    time_limit=1.0, rel_gap=1e-6)
        chosen[keep[sub.chosen]] = True
    return Decision(chosen, x, potentials)
