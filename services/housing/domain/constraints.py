"""The hard constraints: a pair (household, place) that breaks one is never proposed.

One implementation serves both the matcher (on arrays of pairs at once) and the team's questions
("why can't this household go there?"), so the refusal an API gives and the filter the engine applies
cannot disagree. Area (the household's provinces) and organisation are applied when the candidate
blocks are built, and checked here for a single pair too."""

from __future__ import annotations

from datetime import date

import numpy as np

from housing.domain.demand import Household
from housing.domain.matching.arrays import POLICIES, HouseholdArrays, PlaceArrays, Vocabulary
from housing.domain.offer import GenderPolicy, Place
from housing.domain.rules import ScoringRules

MEN, WOMEN, FAMILIES = (POLICIES.index(GenderPolicy.men), POLICIES.index(GenderPolicy.women),
                        POLICIES.index(GenderPolicy.families))
SEX_F, SEX_M = 1 << 0, 1 << 1

# Checked in this order; the names are the `rule` of a refused proposal.
CONSTRAINTS = ("capacity", "gender_policy", "host_preferences", "accessibility", "period")


def pair_masks(h: HouseholdArrays, p: PlaceArrays, hi: np.ndarray, pi: np.ndarray, today: date,
               rules: ScoringRules) -> dict[str, np.ndarray]:
    """For each pair (hi[k], pi[k]): does it keep each constraint?"""
    size, children, sex = h.size[hi], h.children[hi], h.sex_bit[hi]
    adults = size - children
    policy = p.policy[pi]
    gender = np.ones(len(hi), dtype=bool)
    gender &= (policy != MEN) | ((size == 1) & (sex == SEX_M))
    gender &= (policy != WOMEN) | ((adults == 1) & (sex == SEX_F))  # women alone or with their children
    gender &= (policy != FAMILIES) | (size > 1) | (children > 0)
    hf = p.host_family[pi]
    host = ~hf | (((p.host_sexes[pi] & sex) != 0) & ((p.host_ages[pi] & h.age_bit[hi]) != 0)
                  & (p.host_children_ok[pi] | (children == 0)))
    t = today.toordinal()
    move_in = np.maximum(t, p.available_from[pi])
    period = (p.available_from[pi] <= t + rules.lead_days) & (move_in <= p.available_to[pi])
    period &= ~hf | (p.available_to[pi] - move_in >= rules.min_stay_days)
    return {
        "capacity": size <= p.capacity[pi],
        "gender_policy": gender,
        "host_preferences": host,
        "accessibility": ~h.step_free[hi] | p.step_free[pi],
        "period": period,
    }


def feasible(masks: dict[str, np.ndarray]) -> np.ndarray:
    out = masks[CONSTRAINTS[0]].copy()
    for name in CONSTRAINTS[1:]:
        out &= masks[name]
    return out


def broken_constraints(household: Household, place: Place, today: date, rules: ScoringRules,
                       free_beds: int | None = None) -> list[str]:
    """The constraints the pair breaks, in CONSTRAINTS order (area and organisation first); empty if none."""
    from housing.domain.geo import italian_municipalities

    broken = []
    if household.organisation_id != place.organisation_id:
        broken.append("organisation")
    if household.areas and place.province not in household.areas:
        broken.append("area")
    if place.place_id in household.excluded_places:
        broken.append("declined_before")
    vocab, geo = Vocabulary(), italian_municipalities()
    h = HouseholdArrays.build([household], geo, vocab)
    p = PlaceArrays.build([place], geo, vocab, capacity=None if free_beds is None else [free_beds])
    zero = np.zeros(1, dtype=np.int64)
    masks = pair_masks(h, p, zero, zero, today, rules)
    return broken + [name for name in CONSTRAINTS if not masks[name][0]]
