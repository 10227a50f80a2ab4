"""Builders for housing's unit tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from housing.domain.demand import Household
from housing.domain.offer import GenderPolicy, HostPreferences, Place, PlaceKind

TODAY = date(2026, 12, 1)
ROMA, FIUMICINO, MILANO = "058091", "058120", "015146"
ORG = "coop-a"


def household(**kw: object) -> Household:
    base: dict = dict(beneficiary_id=uuid4(), organisation_id=ORG, size=1, children=0, sex="M", age_band="25_34",
                      waiting_since=TODAY - timedelta(days=30), areas=frozenset({"RM"}), housing_goal=True,
                      consent=True)
    base.update(kw)
    return Household(**base)


def place(**kw: object) -> Place:
    base: dict = dict(place_id=uuid4(), organisation_id=ORG, kind=PlaceKind.cohousing, municipality=ROMA,
                      province="RM", beds_total=4, beds_free=2, gender_policy=GenderPolicy.mixed,
                      monthly_cost_per_bed=Decimal("200"))
    base.update(kw)
    return Place(**base)


def host_family(**kw: object) -> Place:
    base: dict = dict(kind=PlaceKind.host_family, beds_total=2, beds_free=2, available_from=TODAY,
                      available_to=TODAY + timedelta(days=180), languages=frozenset({"en"}),
                      host=HostPreferences(), monthly_cost_per_bed=Decimal("0"))
    base.update(kw)
    return place(**base)


def ids(*xs: UUID) -> set[UUID]:
    return set(xs)
