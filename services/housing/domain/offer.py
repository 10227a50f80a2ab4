"""The housing offer the team records: cohousing flats and host families (accoglienza in famiglia).

A place is whatever can take one household whole: a flat's free beds or a host family's places. The
address stays in housing's own table, never in these types that feed the matcher or the events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class PlaceKind(StrEnum):
    cohousing = "cohousing"
    host_family = "host_family"


class GenderPolicy(StrEnum):
    men = "men"
    women = "women"
    mixed = "mixed"
    families = "families"


@dataclass(frozen=True)
class HostPreferences:
    """What guests a host family can take; an empty set means any."""

    sexes: frozenset[str] = frozenset()
    age_bands: frozenset[str] = frozenset()
    children_ok: bool = True


@dataclass(frozen=True)
class Place:
    place_id: UUID
    organisation_id: str
    kind: PlaceKind
    municipality: str  # ISTAT code, six digits
    province: str  # two-letter sigla, e.g. RM
    beds_total: int
    beds_free: int
    gender_policy: GenderPolicy = GenderPolicy.mixed
    step_free: bool = False
    monthly_cost_per_bed: Decimal = Decimal("0")
    available_from: date | None = None
    available_to: date | None = None
    languages: frozenset[str] = frozenset()
    host: HostPreferences = field(default_factory=HostPreferences)

    def available_on(self, day: date) -> bool:
        """Open on `day`: from/to bound the period; missing bounds are open-ended."""
        return (self.available_from is None or self.available_from <= day) and (
            self.available_to is None or day <= self.available_to
        )
