"""The LP relaxation over the whole candidate graph, by column generation, and its rounding.

The full graph of 10,000 households has hundreds of thousands of edges, too many for a MIP in seconds.
The LP needs only the edges that can matter: start from each household's best few, solve, price every
other edge against the duals (value - household's dual - size x bed price: plain numpy over all edges)
and add those that would improve the LP, until none would. The final LP value is a proven upper bound
on any assignment of the full graph; rounding keeps the LP's whole assignments and fills what is left
with a small MIP (HiGHS), so the answer's distance from optimal is known, not assumed."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from housing.domain.matching.solver import new_highs, solve

START_PER_HOUSEHOLD = 2
ADD_PER_HOUSEHOLD = 2
EPS = 1e-7


@dataclass
class LPResult:
    x: np.ndarray  # per edge of the graph, 0 where the column was never generated
    objective: float  # the LP optimum over ALL edges (an upper bound on any integer assignment)
    household_duals: np.ndarray
    bed_prices: np.ndarray  # per place: the dual of its capacity row, the value of one more free bed
    columns: int
    rounds: int
    model: highspy.Highs | None = None  # the solved master, kept for diving
    column_edges: np.ndarray | None = None  # the edge of each of the master's columns


def _top_per_household(hi: np.ndarray, score: np.ndarray, k: int, mask: np.ndarray) -> np.ndarray:
    """Indices of each household's k best edges among `mask`."""
    cand = np.nonzero(mask)[0]
    if not len(cand):
        return cand
    order = cand[np.lexsort((-score[cand], hi[cand]))]
    h_sorted = hi[order]
    first = np.searchsorted(h_sorted, h_sorted, side="left")
    rank = np.arange(len(order)) - first
    return order[rank < k]


def cut_members(sizes: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per edge (a household's size, its place's beds): is it in the place's first cut (bigger than half
    the beds: at most one such household fits) and in its second (bigger than a third: at most two)?"""
    return sizes > capacity / 2, sizes > capacity / 3


def solve_lp(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, n_households: int,
             capacity: np.ndarray, *, time_limit: float = 60.0, cuts: bool = True) -> LPResult:
    """`sizes` per edge; `hi` in [0, n_households), `pi` indexes `capacity`.

    With `cuts`, each place also gets two valid rows the plain LP lacks: at most one household bigger
    than half its free beds, at most two bigger than a third (two such households cannot both fit, nor
    three). Without them the LP packs a place with halves of families that never fit whole, and its
    bound sits about 1 % above what any assignment reaches."""
    n_places = len(capacity)
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    cap = capacity.astype(np.float64)
    upper = [np.ones(n_households), cap] + ([np.ones(n_places), np.full(n_places, 2.0)] if cuts else [])
    n_rows = n_households + n_places * (3 if cuts else 1)
    h.addRows(n_rows, np.full(n_rows, -highspy.kHighsInf), np.concatenate(upper),
              0, np.zeros(n_rows, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    big1, big2 = cut_members(sizes, cap[pi])
    if not cuts:
        big1 = big2 = np.zeros(len(hi), dtype=bool)
    in_master = np.zeros(len(hi), dtype=bool)
    cols: list[np.ndarray] = []

    def add(edges: np.ndarray) -> None:
        n = len(edges)
        per = 2 + big1[edges].astype(np.int64) + big2[edges].astype(np.int64)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(per, out=starts[1:])
        index = np.empty(int(starts[-1]), dtype=np.int32)
        value = np.empty(int(starts[-1]))
        first = starts[:-1]
        index[first], value[first] = hi[edges], 1.0
        index[first + 1], value[first + 1] = n_households + pi[edges], sizes[edges]
        b1, b2 = big1[edges], big2[edges]
        at = first + 2
        index[at[b1]], value[at[b1]] = n_households + n_places + pi[edges][b1], 1.0
        at2 = at + b1
        index[at2[b2]], value[at2[b2]] = n_households + 2 * n_places + pi[edges][b2], 1.0
        h.addCols(n, w[edges].astype(np.float64), np.zeros(n), np.ones(n), int(starts[-1]),
                  starts[:-1].astype(np.int32), index, value)
        in_master[edges] = True
        cols.append(edges)

    positive = w > EPS
    add(_top_per_household(hi, w, START_PER_HOUSEHOLD, positive))
    rounds = 0
    while True:
        rounds += 1
        h.run()
        s = h.getSolution()
        dual = np.abs(np.asarray(s.row_dual))
        u, v = dual[:n_households], dual[n_households:n_households + n_places]
        reduced = w - u[hi] - sizes * v[pi]
        if cuts:
            z1 = dual[n_households + n_places:n_households + 2 * n_places]
            z2 = dual[n_households + 2 * n_places:]
            reduced -= big1 * z1[pi] + big2 * z2[pi]
        better = (reduced > EPS) & ~in_master & positive
        if not better.any():
            break
        add(_top_per_household(hi, reduced, ADD_PER_HOUSEHOLD, better))
    order = np.concatenate(cols)
    x = np.zeros(len(hi))
    x[order] = np.asarray(s.col_value)
    return LPResult(x, float(h.getInfo().objective_function_value), u, v, int(in_master.sum()), rounds, h, order)


def round_lp(hi: np.ndarray, pi: np.ndarray, w: np.ndarray, sizes: np.ndarray, capacity: np.ndarray,
             lp: LPResult, *, mip_edges: int = 3000, time_limit: float = 0.5, passes: int = 4) -> np.ndarray:
    """An integer choice of edges. Keep the LP's whole assignments; on the beds left, solve the LP of the
    households it split or left out and keep its whole assignments again (a vertex of this LP splits at
    most one household per place, so each pass shrinks the rest fast); finish with a small MIP, or
    best-value-first when the rest is still large."""
    chosen = np.zeros(len(hi), dtype=bool)
    placed = np.zeros(len(lp.household_duals), dtype=bool)
    left = capacity.astype(np.int64).copy()
    x = lp.x
    for n in range(passes + 1):
        fixed = (x > 1 - 1e-6) & ~chosen
        chosen |= fixed
        placed[hi[fixed]] = True
        left -= np.rint(np.bincount(pi[fixed], weights=sizes[fixed], minlength=len(left))).astype(np.int64)
        rest = ~placed[hi] & (sizes <= left[pi]) & (w > EPS)
        idx = np.nonzero(rest)[0]
        if not len(idx):
            return chosen
        if len(idx) <= mip_edges:
            sub = solve(hi[idx], pi[idx], w[idx], sizes[idx], left, time_limit=time_limit, rel_gap=1e-4)
            if sub.chosen.any():
                chosen[idx[sub.chosen]] = True
                return chosen
            break
        if n == passes:
            break
        hu, hl = np.unique(hi[idx], return_inverse=True)
        pu, pl = np.unique(pi[idx], return_inverse=True)
        sub_lp = solve_lp(hl, pl, w[idx], sizes[idx], len(hu), left[pu])
        x = np.zeros(len(hi))
        x[idx] = sub_lp.x
        if not (sub_lp.x > 1 - 1e-6).any():
            break
    for e in idx[np.argsort(-w[idx], kind="stable")]:
        if not placed[hi[e]] and sizes[e] <= left[pi[e]]:
            placed[hi[e]] = True
            left[pi[e]] -= sizes[e]
            chosen[e] = True
    return chosen



def dive(lp: LPResult, hi: np.ndarray, pi: np.ndarray, sizes: np.ndarray, capacity: np.ndarray, *,
         max_rounds: int = 20) -> np.ndarray:
    """The LP's x after diving: fix to 1 each household's edge the LP already leans to (x >= 1/2, one
    per household, as many per place as fit), re-solve the LP warm, and repeat while it stays feasible
    and fractional. The LP moves everyone else around each fix, which fixing everything at once and
    filling the rest cannot; what is still fractional at the end goes to `round_lp`."""
    h, cols = lp.model, lp.column_edges
    if h is None or cols is None:
        return lp.x
    x = np.asarray(h.getSolution().col_value)
    best = x
    fixed = np.zeros(len(cols), dtype=bool)
    for _ in range(max_rounds):
        frac = (x > 1e-6) & (x < 1 - 1e-6)
        if not frac.any():
            break
        lean = np.nonzero(frac & (x >= 0.5))[0]
        if not len(lean):
            lean = np.array([int(np.argmax(np.where(frac, x, -1)))])
        room = capacity.astype(np.float64) - np.bincount(pi[cols[fixed]], weights=sizes[cols[fixed]],
                                                         minlength=len(capacity))
        picks, households = [], set()
        for c in lean[np.argsort(-x[lean], kind="stable")]:
            e = cols[c]
            if sizes[e] <= room[pi[e]] and hi[e] not in households:
                room[pi[e]] -= sizes[e]
                households.add(hi[e])
                picks.append(c)
        if not picks:
            break
        picks_a = np.array(picks, dtype=np.int32)
        h.changeColsBounds(len(picks_a), picks_a, np.ones(len(picks_a)), np.ones(len(picks_a)))
        fixed[picks_a] = True
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        x = best = np.asarray(h.getSolution().col_value)
    out = np.zeros(len(hi))
    out[cols] = best
    return out
