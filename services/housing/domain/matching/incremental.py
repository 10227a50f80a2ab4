"""The re-match after one event: re-solve only the neighbourhood the event touches.

A new or changed household, a new place, a declined or ended match, a withdrawn consent each name a few
households and places (the seeds). The neighbourhood is every place a seed household could take or holds,
plus the seed places; every active household with an edge into those places joins (one placed outside
them may move in, or keep its place). That sub-problem is solved like the full one (LP, then rounding) and
its answer replaces the current one there only if it is worth more, so a re-match never makes the total
worse. Between full re-matches this keeps the proposals close to the global optimum at a small cost."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from housing.domain.matching.engine import solve_edges
from housing.domain.matching.graph import CandidateGraph

# Each touched place keeps its best candidates only (with the current and the seeds' edges): the waiting
# list of a province has hundreds of households a place could take, but only its best few can displace
# anyone. The full re-match has no such cut.
PER_PLACE = 24
# Branch and bound only for the smallest neighbourhoods: an event's answer must come in milliseconds.
EXACT_EDGES = 300


def _trim(graph: CandidateGraph, sub: np.ndarray, place_of: np.ndarray, seeds: np.ndarray, k: int) -> np.ndarray:
    if not len(sub):
        return sub
    order = sub[np.lexsort((-graph.weight[sub], graph.pi[sub]))]
    p_sorted = graph.pi[order]
    rank = np.arange(len(order)) - np.searchsorted(p_sorted, p_sorted, side="left")
    keep = (rank < k) | (place_of[graph.hi[order]] == p_sorted) | np.isin(graph.hi[order], seeds)
    return np.sort(order[keep])


def local_rematch(graph: CandidateGraph, place_of: np.ndarray, *, seed_households: Iterable[int] = (),
                  seed_places: Iterable[int] = (), active: np.ndarray | None = None,
                  capacity: np.ndarray | None = None, per_place: int = PER_PLACE) -> tuple[np.ndarray, float]:
    """(the new per-household place, the gain in total value). `active` masks households that are
    matchable now (default all); `place_of` is not changed in place."""
    n_h = len(graph.households.items)
    cap = graph.places.capacity if capacity is None else capacity
    act = np.ones(n_h, dtype=bool) if active is None else active
    if not len(cap) or not graph.edges:
        return place_of.copy(), 0.0
    hs = np.fromiter(seed_households, dtype=np.int64)
    ps = np.fromiter(seed_places, dtype=np.int64)
    edge_active = act[graph.hi]
    touched = np.zeros(len(cap), dtype=bool)
    touched[ps] = True
    if len(hs):
        seed_edge = np.isin(graph.hi, hs) & edge_active
        touched[graph.pi[seed_edge]] = True
        held = place_of[hs]
        touched[held[held >= 0]] = True
    placed_outside = (place_of >= 0) & ~touched[np.maximum(place_of, 0)]
    into = touched[graph.pi] & edge_active
    # a household placed elsewhere may move into a touched place (a new flat that suits it better), its
    # current pair kept as an option: its old place stays out of the neighbourhood, so nobody else's
    # plan there changes, and a move frees beds the next re-match fills
    movers = np.zeros(n_h, dtype=bool)
    movers[graph.hi[into & placed_outside[graph.hi]]] = True
    stay = movers[graph.hi] & (place_of[graph.hi] == graph.pi)
    sub = np.nonzero(into | stay)[0]
    sub = _trim(graph, sub, place_of, hs, per_place)
    out = place_of.copy()
    members = np.unique(graph.hi[sub])
    inside = (place_of >= 0) & touched[np.maximum(place_of, 0)]
    # households leaving (inactive now) free their beds
    out[inside & ~act] = -1
    current_edges = sub[out[graph.hi[sub]] == graph.pi[sub]]
    before = float(graph.weight[current_edges].sum())
    if not len(sub):
        return out, 0.0
    chosen, after, _ = solve_edges(graph, sub, capacity=cap, exact_edges=EXACT_EDGES)
    if after <= before + 1e-9:
        return out, 0.0
    out[members] = np.where(touched[np.maximum(out[members], 0)] & (out[members] >= 0), -1, out[members])
    picked = sub[chosen]
    out[graph.hi[picked]] = graph.pi[picked]
    return out, after - before
