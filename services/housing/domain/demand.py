"""The demand: a household waiting for housing, as housing knows it from other services' events.

Only coarse attributes: the household's size and children, sex and age band of the person in charge,
languages, step-free need, the provinces where they would live, the leave-by date, income and the
municipality where they work or train."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

# Vulnerable by age alone: minors and people over 65 (single parents are too, with their children).
VULNERABLE_AGES = frozenset({"under_18", "65_plus"})


def is_vulnerable(*, single_parent: bool, children: int, age_band: str) -> bool:
    """The vulnerability part's rule: single parents with their children, minors, people over 65."""
    return (single_parent and children > 0) or age_band in VULNERABLE_AGES


def areas_of(accepted_areas: frozenset[str], home_area: str | None) -> frozenset[str]:
    """The provinces a household is matched in: those it accepted, else the one it lives in (none: anywhere)."""
    return accepted_areas or (frozenset({home_area}) if home_area else frozenset())


@dataclass(frozen=True)
class Household:
    beneficiary_id: UUID
    organisation_id: str
    size: int
    children: int
    sex: str
    age_band: str
    waiting_since: date
    areas: frozenset[str] = frozenset()  # provinces; empty means anywhere the organisation has places
    languages: frozenset[str] = frozenset()
    step_free_need: bool = False
    leave_by: date | None = None
    monthly_income: Decimal = Decimal("0")
    work_municipality: str | None = None
    vulnerable: bool = False
    single_parent: bool = False  # the person in charge brings up the children alone
    # where `areas` comes from: the provinces the person said they would live or work in, else the province
    # they live in (each corrected on its own, so both are kept)
    accepted_areas: frozenset[str] = frozenset()
    home_area: str | None = None
    excluded_places: frozenset[UUID] = field(default_factory=frozenset)  # declined pairs never proposed again
    housing_goal: bool = False  # a housing goal in the individual plan
    consent: bool = False  # consent to the housing referral
    status: str = "waiting"  # waiting, housed, closed, erased
    path_closed: bool = False  # the individual path ended (autonomy reached, transferred): no longer matched
    reception_leave_by: date | None = None  # the day reception ends, when intake knows it: `leave_by` is it, else
    # the housing goal's deadline

    @property
    def matchable(self) -> bool:
        """On the waiting list the matcher works from: a housing goal, the consent, not housed, a path open."""
        return self.status == "waiting" and self.housing_goal and self.consent and not self.path_closed

    def with_changes(self, **changes: object) -> Household:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_family(self) -> bool:
        return self.size > 1 or self.children > 0
