"""The full re-match: the best set of proposals over the whole waiting list, one component at a time.

Components of the candidate graph share no household and no place, so solving each alone is exactly as
good as solving all at once, and far smaller problems for the solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from housing.domain.matching.graph import CandidateGraph
from housing.domain.matching.lp import dive, round_lp, solve_lp
from housing.domain.matching.solver import solve

# A sub-problem this small is solved exactly by branch and bound (the bound is then the MIP's own);
# beyond it, the LP and its rounding, whose bound is the LP's value.
EXACT_EDGES = 2000
EXACT_SECONDS = 1.0


@dataclass(frozen=True)
class Matching:
    place_of: np.ndarray  # per household: the index of its proposed place, or -1
    edge_of: np.ndarray  # per household: the index of its chosen edge in the graph, or -1
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 1e-9 else max(0.0, (self.bound - self.objective) / self.bound)

    @property
    def matched(self) -> int:
        return int((self.place_of >= 0).sum())


def edge_choice(graph: CandidateGraph, place_of: np.ndarray) -> np.ndarray:
    """Edges chosen by a per-household assignment (e.g. the current proposals), as a bool mask."""
    chosen: np.ndarray = (place_of[graph.hi] == graph.pi) & (place_of[graph.hi] >= 0)
    return chosen


def component_slices(graph: CandidateGraph) -> list[np.ndarray]:
    """The edge indices of each component."""
    if not graph.edges:
        return []
    comp = graph.component_of_place[graph.pi]
    order = np.argsort(comp, kind="stable")
    cuts = np.searchsorted(comp[order], np.arange(int(comp.max()) + 2))
    return [order[cuts[c]:cuts[c + 1]] for c in range(len(cuts) - 1) if cuts[c + 1] > cuts[c]]


def solve_edges(graph: CandidateGraph, idx: np.ndarray, weight: np.ndarray | None = None,
                capacity: np.ndarray | None = None, exact_edges: int = EXACT_EDGES) -> tuple[np.ndarray, float, float]:
    """(chosen mask over idx, objective, LP bound) for one set of edges, re-indexed locally so the LP has
    rows only for the households and places it touches."""
    w = (graph.weight if weight is None else weight)[idx]
    cap = graph.places.capacity if capacity is None else capacity
    hu, hl = np.unique(graph.hi[idx], return_inverse=True)
    pu, pl = np.unique(graph.pi[idx], return_inverse=True)
    sizes = graph.households.size[graph.hi[idx]]
    if len(idx) <= exact_edges:
        exact = solve(hl, pl, w, sizes, cap[pu], time_limit=EXACT_SECONDS, rel_gap=1e-6)
        return exact.chosen, exact.objective, exact.bound
    lp = solve_lp(hl, pl, w, sizes, len(hu), cap[pu])
    lp.x = dive(lp, hl, pl, sizes, cap[pu])
    chosen = round_lp(hl, pl, w, sizes, cap[pu], lp)
    return chosen, float(w[chosen].sum()), lp.objective


def full_match(graph: CandidateGraph) -> Matching:
    """Every component: its LP by column generation (the bound), then the rounding (the proposals)."""
    chosen = np.zeros(graph.edges, dtype=bool)
    objective = bound = 0.0
    for idx in component_slices(graph):
        c, o, b = solve_edges(graph, idx)
        chosen[idx[c]] = True
        objective += o
        bound += b
    return _matching(graph, chosen, objective, bound)


def _matching(graph: CandidateGraph, chosen: np.ndarray, objective: float, bound: float) -> Matching:
    n = len(graph.households.items)
    place_of = np.full(n, -1, dtype=np.int64)
    edge_of = np.full(n, -1, dtype=np.int64)
    e = np.nonzero(chosen)[0]
    place_of[graph.hi[e]] = graph.pi[e]
    edge_of[graph.hi[e]] = e
    return Matching(place_of, edge_of, objective, bound)


def greedy_match(graph: CandidateGraph) -> Matching:
    """The baseline the engine replaces: place by place (largest first), each takes the best-scoring
    households that still fit, never looking at what a later place would have needed."""
    n = len(graph.households.items)
    free = graph.places.capacity.copy()
    taken = np.zeros(n, dtype=bool)
    chosen = np.zeros(graph.edges, dtype=bool)
    order = np.lexsort((-graph.weight, graph.pi))
    starts = np.searchsorted(graph.pi[order], np.arange(len(free) + 1))
    sizes = graph.households.size
    for j in np.argsort(-free, kind="stable"):
        for e in order[starts[j]:starts[j + 1]]:
            h = graph.hi[e]
            if not taken[h] and sizes[h] <= free[j]:
                taken[h] = True
                free[j] -= sizes[h]
                chosen[e] = True
                if free[j] == 0:
                    break
    objective = float(graph.weight[chosen].sum())
    return _matching(graph, chosen, objective, objective)
