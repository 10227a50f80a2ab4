"""Deciding over time with a waiting list: who is proposed now, who waits (after Ahani, Gölz, Procaccia,
Teytelboym and Trapp, "Dynamic placement in refugee resettlement", Operations Research 2024).

As in the paper, each bed has a potential: what it is worth to the rest of the year, read from the dual
prices of a linear programme over a sampled future, averaged over several futures sampled from the
arrival model. A household is placed where its score minus the potentials of the beds and slots it takes
is highest and positive. One thing differs here: a household waits on a list until the date it must
leave reception, so a bed need not be given the week it frees up. Only the households whose date is due
are decided now; the others are known for sure and sit in every future with the sampled arrivals, so
they price the beds without being placed yet (nothing is lost by waiting: the bed and they stay).

Each future is its own LP (the paper's potentials), not one sample-average LP over all of them with the
due households as a shared first stage: over several simulated years and draws of the futures, the
potentials came closer to the hindsight optimum (the figures, and the variants tried, are in
services/housing/README.md). The prices are taken as they are: scaled up or down, they did worse.

A household also pays for the beds it would strand: what it leaves free at a place, when that is
smaller than every household that could still take a bed there in a future (a flat for families left
with one bed), is lost to that future, at that future's price. The LP cannot see it (it packs half a
family into the last bed), and without it the simulated year ended with a stranded bed in most
families' flats the hindsight fills."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from housing.domain.matching.lp import cut_members
from housing.domain.matching.solver import new_highs, solve

# Each open place's LP has this many beds fewer than it has: its price is then the value of its last bed
# (what a due household taking beds costs the future), and the bed row, not a household's, carries it
# where the LP is degenerate (as many candidates as beds, or a household whose only place is this one).
LAST_BED = 0.01


@dataclass(frozen=True)
class Edges:
    """Candidate pairs: household `hi`, place `pi`, value `w`, household size per edge."""
    hi: np.ndarray
    pi: np.ndarray
    w: np.ndarray
    sizes: np.ndarray


@dataclass(frozen=True)
class Future:
    """One sampled future: its households (the known waiting ones, then sampled arrivals) and the places,
    the first `open` of which are the places open now; `capacity` covers the sampled places after them."""
    edges: Edges
    n_households: int
    capacity: np.ndarray  # of the sampled places only


@dataclass(frozen=True)
class Decision:
    chosen: np.ndarray  # bool per due edge: proposed now
    potentials: np.ndarray  # per open place: a bed's mean dual over the futures


def _csc(n: int, cols: list[np.ndarray], rows: list[np.ndarray], vals: list[np.ndarray]) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise arrays of n columns from (column, row, value) triplets."""
    c, r, v = np.concatenate(cols), np.concatenate(rows), np.concatenate(vals)
    order = np.argsort(c, kind="stable")
    starts = np.searchsorted(c[order], np.arange(n)).astype(np.int32)
    return starts, r[order].astype(np.int32), v[order].astype(np.float64)


def future_prices(open_capacity: np.ndarray, future: Future, time_limit: float = 30.0) -> np.ndarray:
    """One future's LP (its households on the open and the sampled places, each place with its beds and
    the two cuts); returns, per open place, the duals of its bed row and its two cut rows (3 x open)."""
    n_open = len(open_capacity)
    capacity = np.concatenate([open_capacity, future.capacity])
    n = len(capacity)
    e, at = future.edges, future.n_households
    m = len(e.hi)
    if not m:
        return np.zeros((3, n_open))
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    beds = capacity.astype(np.float64)
    beds[:n_open] -= LAST_BED
    upper = np.concatenate([np.ones(at), beds, np.ones(n), np.full(n, 2.0)])
    rows = len(upper)
    h.addRows(rows, np.full(rows, -highspy.kHighsInf), upper, 0, np.zeros(rows, dtype=np.int32),
              np.zeros(0, dtype=np.int32), np.zeros(0))
    big1, big2 = cut_members(e.sizes, capacity[e.pi])  # the full re-match's cuts: without them the LP
    # packs a place with halves of families that never fit whole, and misjudges what a bed is worth
    col = np.arange(m)
    starts, index, value = _csc(m, [col, col, col[big1], col[big2]],
                                [e.hi, at + e.pi, at + n + e.pi[big1], at + 2 * n + e.pi[big2]],
                                [np.ones(m), e.sizes.astype(np.float64), np.ones(int(big1.sum())),
                                 np.ones(int(big2.sum()))])
    h.addCols(m, e.w.astype(np.float64), np.zeros(m), np.ones(m), len(index), starts, index, value)
    h.run()
    dual = np.abs(np.asarray(h.getSolution().row_dual))
    return np.stack([dual[at + b * n:at + b * n + n_open] for b in range(3)])


def smallest_candidate(edges: Edges, n_open: int) -> np.ndarray:
    """Per open place, the size of the smallest household with an edge to it (a very large number for a
    place nobody can take): fewer free beds than that are of no use to anyone there."""
    smallest = np.full(n_open, np.iinfo(np.int64).max, dtype=np.int64)
    on_open = edges.pi < n_open
    np.minimum.at(smallest, edges.pi[on_open], edges.sizes[on_open].astype(np.int64))
    return smallest


def decide(first: Edges, open_capacity: np.ndarray, futures: list[Future], time_limit: float = 30.0) -> Decision:
    """The due households' proposals (`first`, on the places of `open_capacity`): the beds' potentials
    averaged over the futures, then an exact assignment on score minus potentials (and minus the beds it
    would strand) where that is positive, so no bed goes twice and a due household takes a bed only if it
    brings more than the future loses."""
    n_open = len(open_capacity)
    prices = np.zeros((3, n_open))
    left = open_capacity[first.pi] - first.sizes  # the beds each due edge would leave at its place
    stranded = np.zeros(len(first.hi))
    for f in futures:
        p = future_prices(open_capacity, f, time_limit)
        prices += p
        dead = (left > 0) & (left < smallest_candidate(f.edges, n_open)[first.pi])
        stranded += np.where(dead, left * p[0][first.pi], 0.0)
    prices /= max(1, len(futures))
    stranded /= max(1, len(futures))
    big1, big2 = cut_members(first.sizes, open_capacity[first.pi])
    reduced = (first.w - first.sizes * prices[0][first.pi] - big1 * prices[1][first.pi]
               - big2 * prices[2][first.pi] - stranded)
    keep = np.nonzero(reduced > 1e-9)[0]
    chosen = np.zeros(len(first.hi), dtype=bool)
    if len(keep):
        sub = solve(first.hi[keep], first.pi[keep], reduced[keep], first.sizes[keep], open_capacity,
                    time_limit=1.0, rel_gap=1e-6)
        chosen[keep[sub.chosen]] = True
    return Decision(chosen, prices[0])
