"""The score of a proposal and its parts (PARTS in rules.py), each in [0, 1], weighted by rules/scoring.yaml.

Computed on arrays of pairs for the matcher; `explain` gives one pair's parts for the team's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from housing.domain.demand import Household
from housing.domain.geo import Municipalities, haversine_km
from housing.domain.matching.arrays import HouseholdArrays, PlaceArrays, Vocabulary
from housing.domain.offer import Place
from housing.domain.rules import PARTS, ScoringRules


@dataclass(frozen=True)
class Score:
    parts: dict[str, float]
    total: float  # the weighted sum of the parts
    objective: float  # what the matcher maximises: total, times the people housed when per_person


def pair_parts(h: HouseholdArrays, p: PlaceArrays, hi: np.ndarray, pi: np.ndarray, today: date,
               rules: ScoringRules) -> np.ndarray:
    """One row per pair, one column per part (PARTS order)."""
    t = today.toordinal()
    size = h.size[hi].astype(np.float64)
    cost = p.cost_per_bed[pi] * size
    income = h.income[hi]
    ceiling = rules.income_share_ceiling
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(income > 0, cost / np.where(income > 0, income, 1.0), 0.0)
    afford_income = np.where(share <= ceiling, 1.0, np.clip(1.0 - (share - ceiling) / ceiling, 0.0, 1.0))
    afford_none = np.clip(1.0 - p.cost_per_bed[pi] / rules.reference_rent_per_bed, 0.0, 1.0)
    affordability = np.where(income > 0, afford_income, afford_none)

    km = haversine_km(h.work_lat[hi], h.work_lon[hi], p.lat[pi], p.lon[pi])
    distance = np.where(np.isnan(km), rules.distance_unknown, np.clip(1.0 - km / rules.max_km, 0.0, 1.0))

    shared = (h.languages[hi] & p.languages[pi]) != 0
    languages = np.where(p.host_family[pi], shared.astype(np.float64), rules.cohousing_languages)

    waiting = np.clip((t - h.waiting_since[hi]) / rules.waiting_horizon_days, 0.0, 1.0)
    urgency = np.clip(1.0 - (h.leave_by[hi] - t) / rules.urgency_horizon_days, 0.0, 1.0)
    vulnerability = h.vulnerable[hi].astype(np.float64)
    return np.column_stack([affordability, distance, languages, waiting, urgency, vulnerability])


def objective_weights(parts: np.ndarray, sizes: np.ndarray, rules: ScoringRules) -> np.ndarray:
    """What each pair is worth to the matcher."""
    total: np.ndarray = parts @ np.asarray(rules.weights)
    return total * sizes if rules.per_person else total


def explain(parts_row: np.ndarray, size: int, rules: ScoringRules) -> Score:
    parts = {name: round(float(v), 4) for name, v in zip(PARTS, parts_row, strict=True)}
    total = float(np.dot(parts_row, rules.weights))
    return Score(parts=parts, total=round(total, 4), objective=round(total * size if rules.per_person else total, 4))


def score_pair(household: Household, place: Place, today: date, rules: ScoringRules, geo: Municipalities) -> Score:
    """One pair's score as it is now, whatever its constraints (a proposal the team holds, scored again)."""
    vocab = Vocabulary()
    h, p = HouseholdArrays.build([household], geo, vocab), PlaceArrays.build([place], geo, vocab)
    zero = np.zeros(1, dtype=np.int64)
    return explain(pair_parts(h, p, zero, zero, today, rules)[0], household.size, rules)
