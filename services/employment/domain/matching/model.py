"""What the engine knows of a person and of an opening, and its configuration (rules/matching.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

PARTS = ("skills_sector", "distance", "language", "waiting", "women_inactivity")
MOBILITY = ("walk", "public_transport", "bicycle", "car")


@dataclass(frozen=True)
class Policy:
    """Weights of the score's parts, reach per kind of mobility, and the scales of two parts."""

    weights: Mapping[str, float]
    reach_km: Mapping[str, float]
    full_fit_years: float = 3.0
    full_wait_days: int = 365
    childcare_max_weekly_hours: int = 24

    def reach_of(self, mobility: frozenset[str]) -> float:
        """How far a person gets: the farthest of their kinds of mobility (walking and public transport for all)."""
        return max(self.reach_km[m] for m in ({"walk", "public_transport"} | mobility) if m in self.reach_km)


def parse_policy(document: Mapping[str, Any]) -> Policy:
    weights = {k: float(v) for k, v in document["weights"].items()}
    if set(weights) != set(PARTS) or any(w < 0 for w in weights.values()) or not sum(weights.values()) > 0:
        raise ValueError(f"matching weights: one non-negative weight for each of {', '.join(PARTS)}")
    reach = {k: float(v) for k, v in document["reach_km"].items()}
    if not set(reach) <= set(MOBILITY) or not {"walk", "public_transport"} <= set(reach):
        raise ValueError(f"matching reach_km: kinds among {', '.join(MOBILITY)}, walk and public_transport given")
    return Policy(
        weights=weights, reach_km=reach, full_fit_years=float(document.get("full_fit_years", 3)),
        full_wait_days=int(document.get("full_wait_days", 365)),
        childcare_max_weekly_hours=int(document.get("childcare_max_weekly_hours", 24)),
    )


@dataclass(frozen=True)
class Candidate:
    """A person the engine may place: a work goal in the plan and consent to the employment referral.

    `adult_from` is None for an adult, else the day they turn 18 (unaccompanied minors)."""

    beneficiary_id: UUID
    sex: str
    italian_level: str | None
    latitude: float
    longitude: float
    waiting_since: date
    mobility: frozenset[str] = frozenset()
    driving_licence: bool = False
    adult_from: date | None = None
    available_from: date | None = None
    max_weekly_hours: int | None = None
    childcare_need: bool = False
    experience_years: Mapping[str, float] = field(default_factory=dict)
    certified_sectors: frozenset[str] = frozenset()
    recognised_sectors: frozenset[str] = frozenset()
    women_priority: bool = False


@dataclass(frozen=True)
class Slot:
    """An opening as the engine sees it: where, when, what it requires, and its seats still free."""

    opening_id: UUID
    sector: str
    latitude: float
    longitude: float
    start_date: date
    seats: int
    weekly_hours: int
    italian_level: str | None = None
    driving_licence: bool = False
    open_until: date | None = None


@dataclass(frozen=True)
class ScoreParts:
    """Each part between 0 and 1, its weight, and the total in points (what the solver maximises)."""

    parts: Mapping[str, float]
    weights: Mapping[str, float]
    distance_km: float
    points: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": self.points, "distance_km": round(self.distance_km, 1),
            "parts": {k: {"value": round(v, 4), "weight": self.weights[k],
                          "points": round(1000 * self.weights[k] * v)} for k, v in self.parts.items()},
        }
