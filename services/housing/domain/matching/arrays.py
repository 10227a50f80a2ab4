"""Households and places as column arrays, so constraints and scores are computed for a whole block of
pairs at once (numpy) instead of pair by pair in Python: 10,000 x 3,000 pairs would take minutes that way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from housing.domain.demand import Household
from housing.domain.geo import Municipalities
from housing.domain.offer import GenderPolicy, Place, PlaceKind

SEXES = ("F", "M", "X")
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")
POLICIES = tuple(GenderPolicy)
FAR_FUTURE = date(9999, 12, 31).toordinal()


class Vocabulary:
    """Bit positions for languages; past 63 languages bits are shared (a rare false 'shared language',
    never a missed one)."""

    def __init__(self) -> None:
        self._bits: dict[str, int] = {}

    def mask(self, words: Iterable[str]) -> int:
        m = 0
        for w in words:
            bit = self._bits.setdefault(w.lower(), len(self._bits) % 63)
            m |= 1 << bit
        return m


def _bitmask(values: Iterable[str], universe: Sequence[str]) -> int:
    """Bits of the values in `universe`; an empty set means 'any' (all bits)."""
    vals = set(values)
    if not vals:
        return (1 << len(universe)) - 1
    return sum(1 << i for i, u in enumerate(universe) if u in vals)


@dataclass
class HouseholdArrays:
    items: list[Household]
    size: np.ndarray
    children: np.ndarray
    sex_bit: np.ndarray
    age_bit: np.ndarray
    step_free: np.ndarray
    waiting_since: np.ndarray
    leave_by: np.ndarray
    income: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    vulnerable: np.ndarray
    languages: np.ndarray

    @classmethod
    def build(cls, items: Sequence[Household], geo: Municipalities, vocab: Vocabulary) -> HouseholdArrays:
        coords = [geo.coordinates(h.work_municipality) for h in items]
        return cls(
            items=list(items),
            size=np.array([h.size for h in items], dtype=np.int64),
            children=np.array([h.children for h in items], dtype=np.int64),
            sex_bit=np.array([1 << SEXES.index(h.sex) if h.sex in SEXES else 0 for h in items], dtype=np.int64),
            age_bit=np.array([1 << AGE_BANDS.index(h.age_band) if h.age_band in AGE_BANDS else 0 for h in items],
                             dtype=np.int64),
            step_free=np.array([h.step_free_need for h in items], dtype=bool),
            waiting_since=np.array([h.waiting_since.toordinal() for h in items], dtype=np.int64),
            leave_by=np.array([h.leave_by.toordinal() if h.leave_by else FAR_FUTURE for h in items], dtype=np.int64),
            income=np.array([float(h.monthly_income) for h in items], dtype=np.float64),
            work_lat=np.array([c[0] for c in coords], dtype=np.float64),
            work_lon=np.array([c[1] for c in coords], dtype=np.float64),
            vulnerable=np.array([h.vulnerable for h in items], dtype=bool),
            languages=np.array([vocab.mask(h.languages) for h in items], dtype=np.int64),
        )


@dataclass
class PlaceArrays:
    items: list[Place]
    host_family: np.ndarray
    capacity: np.ndarray
    policy: np.ndarray
    step_free: np.ndarray
    cost_per_bed: np.ndarray
    available_from: np.ndarray
    available_to: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    languages: np.ndarray
    host_sexes: np.ndarray
    host_ages: np.ndarray
    host_children_ok: np.ndarray

    @classmethod
    def build(cls, items: Sequence[Place], geo: Municipalities, vocab: Vocabulary,
              capacity: Sequence[int] | np.ndarray | None = None) -> PlaceArrays:
        """`capacity` overrides each place's free beds (beds held by proposals already accepted are not free)."""
        coords = [geo.coordinates(p.municipality) for p in items]
        return cls(
            items=list(items),
            host_family=np.array([p.kind == PlaceKind.host_family for p in items], dtype=bool),
            capacity=np.array(capacity if capacity is not None else [p.beds_free for p in items], dtype=np.int64),
            policy=np.array([POLICIES.index(p.gender_policy) for p in items], dtype=np.int64),
            step_free=np.array([p.step_free for p in items], dtype=bool),
            cost_per_bed=np.array([float(p.monthly_cost_per_bed) for p in items], dtype=np.float64),
            available_from=np.array([p.available_from.toordinal() if p.available_from else 0 for p in items],
                                    dtype=np.int64),
            available_to=np.array([p.available_to.toordinal() if p.available_to else FAR_FUTURE for p in items],
                                  dtype=np.int64),
            lat=np.array([c[0] for c in coords], dtype=np.float64),
            lon=np.array([c[1] for c in coords], dtype=np.float64),
            languages=np.array([vocab.mask(p.languages) for p in items], dtype=np.int64),
            host_sexes=np.array([_bitmask(p.host.sexes, SEXES) for p in items], dtype=np.int64),
            host_ages=np.array([_bitmask(p.host.age_bands, AGE_BANDS) for p in items], dtype=np.int64),
            host_children_ok=np.array([p.host.children_ok for p in items], dtype=bool),
        )
