"""The candidate graph: every (household, place) pair that keeps all hard constraints, with its score parts.

Pairs are only built inside a block of one organisation and one province (a household's areas name the
provinces it would live in), which is what keeps the graph sparse: 10,000 households x 3,000 places is
30 million pairs, but a few hundred thousand once the area is applied. Blocks joined by households that
accept several provinces form the components the solver treats one at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from housing.domain.constraints import feasible, pair_masks
from housing.domain.demand import Household
from housing.domain.geo import Municipalities
from housing.domain.matching.arrays import HouseholdArrays, PlaceArrays, Vocabulary
from housing.domain.offer import Place
from housing.domain.rules import ScoringRules
from housing.domain.scoring import objective_weights, pair_parts

Key = tuple[str, str]  # (organisation, province)


@dataclass
class CandidateGraph:
    households: HouseholdArrays
    places: PlaceArrays
    hi: np.ndarray  # household index of each edge
    pi: np.ndarray  # place index of each edge
    parts: np.ndarray  # (edges, parts)
    weight: np.ndarray  # the matcher's value of each edge
    component_of_place: np.ndarray  # component label of each place
    component_of_household: np.ndarray  # -1 for a household with no candidate block

    @property
    def edges(self) -> int:
        return len(self.hi)


def _household_keys(h: Household, keys_by_org: dict[str, list[Key]]) -> list[Key]:
    if h.areas:
        return [(h.organisation_id, a) for a in sorted(h.areas)]
    return keys_by_org.get(h.organisation_id, [])


def _find(parent: dict[Key, Key], k: Key) -> Key:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


def build_graph(households: Sequence[Household], places: Sequence[Place], today: date, rules: ScoringRules,
                geo: Municipalities, capacity: Sequence[int] | np.ndarray | None = None) -> CandidateGraph:
    vocab = Vocabulary()
    H = HouseholdArrays.build(households, geo, vocab)
    P = PlaceArrays.build(places, geo, vocab, capacity)
    places_by_key: dict[Key, list[int]] = defaultdict(list)
    for j, p in enumerate(places):
        places_by_key[(p.organisation_id, p.province)].append(j)
    keys_by_org: dict[str, list[Key]] = defaultdict(list)
    for key in places_by_key:
        keys_by_org[key[0]].append(key)
    households_by_key: dict[Key, list[int]] = defaultdict(list)
    parent: dict[Key, Key] = {k: k for k in places_by_key}
    first_key = np.full(len(households), -1, dtype=np.int64)
    key_ids = {k: n for n, k in enumerate(places_by_key)}
    for i, h in enumerate(households):
        keys = [k for k in _household_keys(h, keys_by_org) if k in places_by_key]
        for k in keys:
            households_by_key[k].append(i)
            a, b = _find(parent, keys[0]), _find(parent, k)
            if a != b:
                parent[b] = a
        if keys:
            first_key[i] = key_ids[keys[0]]

    his, pis = [], []
    for key, hs in households_by_key.items():
        ps = np.array(places_by_key[key], dtype=np.int64)
        hh = np.repeat(np.array(hs, dtype=np.int64), len(ps))
        pp = np.tile(ps, len(hs))
        keep = feasible(pair_masks(H, P, hh, pp, today, rules))
        his.append(hh[keep])
        pis.append(pp[keep])
    hi = np.concatenate(his) if his else np.zeros(0, dtype=np.int64)
    pi = np.concatenate(pis) if pis else np.zeros(0, dtype=np.int64)
    hi, pi = _drop_excluded(households, places, hi, pi)

    roots = {k: _find(parent, k) for k in places_by_key}
    labels = {r: n for n, r in enumerate(sorted(set(roots.values())))}
    key_label = np.array([labels[roots[k]] for k in places_by_key], dtype=np.int64)
    comp_place = np.array([labels[roots[(p.organisation_id, p.province)]] for p in places], dtype=np.int64)
    comp_house = (np.where(first_key >= 0, key_label[np.maximum(first_key, 0)], -1) if len(key_label)
                  else np.full(len(households), -1, dtype=np.int64))
    parts = pair_parts(H, P, hi, pi, today, rules)
    weight = objective_weights(parts, H.size[hi].astype(np.float64), rules)
    return CandidateGraph(H, P, hi, pi, parts, weight, comp_place, comp_house)


def _drop_excluded(households: Sequence[Household], places: Sequence[Place], hi: np.ndarray,
                   pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs declined before are never proposed again."""
    excluded = {i for i, h in enumerate(households) if h.excluded_places}
    if not excluded:
        return hi, pi
    keep = np.ones(len(hi), dtype=bool)
    for k in np.nonzero(np.isin(hi, list(excluded)))[0]:
        if places[pi[k]].place_id in households[hi[k]].excluded_places:
            keep[k] = False
    return hi[keep], pi[keep]
