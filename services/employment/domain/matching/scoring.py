"""Hard requirements and the score's parts for many (person, opening) pairs at once.

`feasible_pairs` never lets through a pair that breaks a requirement; `parts_of` gives the same
numbers for one pair that the solver was given, so what the team reads is what was optimised."""

from __future__ import annotations

from datetime import date

import numpy as np

from employment.domain.matching.model import PARTS, Candidate, Policy, ScoreParts, Slot
from employment.domain.matching.tables import Openings, People

EARTH_KM = 6371.0
# One point for placing someone at all: among pairs that score 0, a seat still goes to someone eligible.
PLACEMENT_POINT = 1


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    unit: np.ndarray = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)
    return unit


def cosines(people: People, p: np.ndarray, openings: Openings, o: np.ndarray) -> np.ndarray:
    """Cosine of the central angle between each person and each opening, shape (len(p), len(o)): one
    matrix product, so reach is tested on all pairs before any distance is computed."""
    cos: np.ndarray = _unit(people["lat"][p], people["lon"][p]) @ _unit(openings["lat"][o], openings["lon"][o]).T
    return cos


def km(cos: np.ndarray) -> np.ndarray:
    distance: np.ndarray = EARTH_KM * np.arccos(np.clip(cos, -1.0, 1.0))
    return distance


def requirements(
    people: People, p: np.ndarray, openings: Openings, o: np.ndarray, cos: np.ndarray, today: date,
) -> dict[str, np.ndarray]:
    """Each hard requirement as a mask over the pairs p x o, by name (what a refusal names)."""
    t = today.toordinal()
    start = np.maximum(openings["start"][o][None, :], t)
    bookable = openings["alive"][o] & (openings["seats"][o] > 0) & (openings["open_until"][o] >= t)
    return {
        "seats_and_dates": np.broadcast_to(bookable[None, :], cos.shape),
        "italian_level": people["level"][p][:, None] >= openings["level"][o][None, :],
        "driving_licence": people["licence"][p][:, None] | ~openings["licence"][o][None, :],
        "adult": people["adult_from"][p][:, None] <= start,
        "availability": people["available_from"][p][:, None] <= start,
        "weekly_hours": people["max_hours"][p][:, None] >= openings["hours"][o][None, :],
        "reach": cos >= np.cos(people["reach"][p] / EARTH_KM)[:, None],
    }


def feasible(
    people: People, p: np.ndarray, openings: Openings, o: np.ndarray, cos: np.ndarray, today: date,
) -> np.ndarray:
    """The pairs that meet every hard requirement: level, licence, age, availability, hours, dates, seats, reach."""
    ok: np.ndarray = np.broadcast_to(people["alive"][p][:, None], cos.shape).copy()
    for mask in requirements(people, p, openings, o, cos, today).values():
        ok &= mask
    return ok


def unmet(c: Candidate, s: Slot, policy: Policy, today: date) -> list[str]:
    """The hard requirements one person does not meet for one opening (none: they may be proposed)."""
    people, openings = People(), Openings()
    people.put(c, policy)
    openings.put(s)
    one = np.array([0])
    masks = requirements(people, one, openings, one, cosines(people, one, openings, one), today)
    return [name for name, mask in masks.items() if not bool(mask[0, 0])]


def explain_pair(c: Candidate, s: Slot, policy: Policy, today: date) -> ScoreParts:
    """The score's parts for one person and one opening outside any engine (a proposal made by hand)."""
    people, openings = People(), Openings()
    people.put(c, policy)
    openings.put(s)
    return explain(people, 0, openings, 0, policy, today)


def part_values(
    people: People, pi: np.ndarray, openings: Openings, oj: np.ndarray, d: np.ndarray, policy: Policy, today: date,
) -> dict[str, np.ndarray]:
    """Each part in [0, 1] for the pairs (pi[k], oj[k]) at distance d[k]."""
    sector = openings["sector"][oj].astype(np.intp)
    exp = people["experience"][pi, sector] / policy.full_fit_years
    skills = np.maximum(np.minimum(1.0, exp), np.maximum(people["certified"][pi, sector] * 1.0,
                                                         people["recognised"][pi, sector] * 0.8))
    reach = people["reach"][pi]
    waited = (today.toordinal() - people["waiting_since"][pi]) / policy.full_wait_days
    return {
        "skills_sector": skills,
        "distance": np.clip(1.0 - d / reach, 0.0, 1.0),
        "language": np.clip(0.5 + 0.25 * (people["level"][pi] - openings["level"][oj]), 0.0, 1.0),
        "waiting": np.clip(waited, 0.0, 1.0),
        "women_inactivity": people["women"][pi] * 1.0,
    }


def points(parts: dict[str, np.ndarray], policy: Policy) -> np.ndarray:
    total = sum(policy.weights[k] * parts[k] for k in PARTS)
    rounded: np.ndarray = np.rint(1000 * np.asarray(total)).astype(np.int64)
    return rounded


def feasible_pairs(
    people: People, p: np.ndarray, openings: Openings, o: np.ndarray, policy: Policy, today: date,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person rows, opening rows, points) of every feasible pair among rows p x o."""
    cos = cosines(people, p, openings, o)
    a, b = np.nonzero(feasible(people, p, openings, o, cos, today))
    pi, oj = p[a], o[b]
    return pi, oj, points(part_values(people, pi, openings, oj, km(cos[a, b]), policy, today), policy)


def explain(people: People, p: int, openings: Openings, o: int, policy: Policy, today: date) -> ScoreParts:
    pa, oa = np.array([p]), np.array([o])
    d = km(cosines(people, pa, openings, oa)[0])
    parts = part_values(people, pa, openings, oa, d, policy, today)
    return ScoreParts(parts={k: float(v[0]) for k, v in parts.items()}, weights=dict(policy.weights),
                      distance_km=float(d[0]), points=int(points(parts, policy)[0]))
