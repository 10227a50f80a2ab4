"""Generated housing instances with realistic shapes, for the housing benchmark and the solver's tests.

Shapes (domain.md, the seeds): most people are single men; some single women, often with children;
a fifth are families of two to six. Cohousing flats of four to eight beds with one to four free, host
families with one to three places and their own preferences. Demand exceeds the offer by about two to
one, as it does in Italy. Places and people sit in real municipalities of twenty provinces; a quarter
of households would also live in a second province."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from housing.domain.demand import Household
from housing.domain.geo import Municipalities, italian_municipalities
from housing.domain.offer import GenderPolicy, HostPreferences, Place, PlaceKind

PROVINCES = ("RM", "MI", "TO", "NA", "BA", "PA", "BO", "FI", "VE", "PD", "VI", "LE", "CT", "GE", "VR", "BS",
             "BG", "LT", "CS", "TA")
LANGUAGES = ("it", "en", "fr", "ar", "ur", "bn", "ti", "so", "uk", "ps", "fa", "wo", "bm", "ha", "es")
ORGANISATIONS = ("org-a", "org-b", "org-c")
AGE_BANDS = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")


class Generator:
    def __init__(self, seed: int = 7, geo: Municipalities | None = None, provinces: tuple[str, ...] = PROVINCES):
        self.rng = random.Random(seed)
        self.geo = geo or italian_municipalities()
        self.provinces = provinces
        self.towns = {p: self.geo.in_province(p) for p in provinces}
        # each organisation runs in a few provinces; neighbours are the next provinces in the list
        self.org_of = {p: ORGANISATIONS[i % len(ORGANISATIONS)] for i, p in enumerate(provinces)}

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def place(self, today: date, province: str | None = None) -> Place:
        r = self.rng
        prov = province or r.choice(self.provinces)
        org = self.org_of[prov]
        if r.random() < 0.7:
            beds = r.randint(4, 8)
            policy = r.choices(list(GenderPolicy), weights=[45, 20, 15, 20])[0]
            start = today + timedelta(days=r.randint(1, 60)) if r.random() < 0.1 else None
            return Place(self._uuid(), org, PlaceKind.cohousing, r.choice(self.towns[prov]), prov, beds,
                         min(beds, r.randint(1, 4)), policy, r.random() < 0.25,
                         Decimal(r.randrange(150, 401, 10)), start, None)
        places = r.randint(1, 3)
        start = today - timedelta(days=r.randint(0, 30))
        host = HostPreferences(
            sexes=frozenset(r.sample(["F", "M"], 1)) if r.random() < 0.4 else frozenset(),
            age_bands=frozenset(r.sample(AGE_BANDS[:4], 3)) if r.random() < 0.3 else frozenset(),
            children_ok=r.random() < 0.6,
        )
        return Place(self._uuid(), org, PlaceKind.host_family, r.choice(self.towns[prov]), prov, places, places,
                     GenderPolicy.mixed, r.random() < 0.2, Decimal(r.randrange(0, 201, 25)), start,
                     start + timedelta(days=r.randint(90, 365)),
                     frozenset(r.sample(LANGUAGES[:5], r.randint(1, 3))), host)

    def household(self, today: date, province: str | None = None) -> Household:
        r = self.rng
        prov = province or r.choice(self.provinces)
        org = self.org_of[prov]
        kind = r.random()
        if kind < 0.65:
            size, children, sex = 1, 0, "M" if r.random() < 0.77 else "F"
        elif kind < 0.8:
            children = r.randint(1, 3)
            size, sex = children + 1, "F"
        else:
            size = r.randint(2, 6)
            children, sex = max(0, size - 2 - r.randint(0, 1)), r.choice(["M", "F"])
        areas = {prov}
        if r.random() < 0.25:
            i = self.provinces.index(prov)
            near = [p for p in self.provinces[max(0, i - 3):i + 4] if self.org_of[p] == org and p != prov]
            if near:
                areas.add(r.choice(near))
        income = Decimal(0) if r.random() < 0.4 else Decimal(r.randrange(300, 1401, 50))
        work = r.choice(self.towns[prov]) if r.random() < 0.5 else None
        age = r.choices(AGE_BANDS, weights=[30, 35, 18, 10, 5, 2])[0]
        return Household(
            self._uuid(), org, size, children, sex, age,
            waiting_since=today - timedelta(days=r.randint(0, 400)), areas=frozenset(areas),
            languages=frozenset(r.sample(LANGUAGES, r.randint(1, 3))), step_free_need=r.random() < 0.05,
            leave_by=today + timedelta(days=r.randint(-10, 180)), monthly_income=income, work_municipality=work,
            vulnerable=(children > 0 and size - children == 1) or age == "65_plus" or r.random() < 0.05,
        )

    def instance(self, households: int, places: int, today: date) -> tuple[list[Household], list[Place]]:
        return ([self.household(today) for _ in range(households)], [self.place(today) for _ in range(places)])
