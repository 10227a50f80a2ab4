"""Generated people and openings with realistic shapes, for the employment benchmark and tests.

People cluster around the big cities of the four regions with rules on file (most near the chief
town, fewer in the province); openings sit where the jobs are; Italian levels skew low, experience
concentrates in hospitality, agriculture, construction, logistics and care (the sectors of the seeds'
traineeships); a third of the people have a bicycle, a tenth a licence and a car."""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import UUID

from employment.domain.levels import CEFR
from employment.domain.matching.model import Candidate, Slot

CITIES = [  # (latitude, longitude, weight): Roma, Milano, Venezia-Mestre, Bari, Latina, Bergamo, Padova, Lecce
    (41.892, 12.511, 5), (45.464, 9.190, 5), (45.490, 12.242, 2), (41.121, 16.870, 3),
    (41.466, 12.904, 1), (45.698, 9.677, 1), (45.407, 11.873, 2), (40.352, 18.170, 1),
]
SECTORS = ["I", "A", "F", "H", "Q", "C", "G", "N"]
SECTOR_WEIGHTS = [5, 3, 3, 2, 2, 2, 2, 2]
LEVEL_WEIGHTS = [2, 4, 5, 4, 2, 1, 0.5]


def _place(rng: random.Random, spread: float) -> tuple[float, float]:
    lat, lon, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    return lat + rng.gauss(0, spread), lon + rng.gauss(0, spread * 1.3)


def person(rng: random.Random, today: date, i: int) -> Candidate:
    lat, lon = _place(rng, 0.12)
    sectors = rng.choices(SECTORS, weights=SECTOR_WEIGHTS, k=rng.randint(0, 2))
    minor = rng.random() < 0.04
    car = rng.random() < 0.1
    return Candidate(
        beneficiary_id=UUID(int=i + 1), sex="F" if rng.random() < 0.3 else "M",
        italian_level=rng.choices(CEFR, weights=LEVEL_WEIGHTS)[0], latitude=lat, longitude=lon,
        waiting_since=today - timedelta(days=rng.randint(0, 500)),
        mobility=frozenset({"bicycle"} if rng.random() < 0.33 else set()) | ({"car"} if car else set()),
        driving_licence=car or rng.random() < 0.05,
        adult_from=today + timedelta(days=rng.randint(1, 300)) if minor else None,
        available_from=today + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.2 else None,
        max_weekly_hours=rng.choice([None, None, None, 20, 30]), childcare_need=rng.random() < 0.1,
        experience_years={s: round(rng.uniform(0.5, 6), 1) for s in sectors},
        certified_sectors=frozenset(s for s in sectors if rng.random() < 0.2),
        women_priority=rng.random() < 0.5,
    )


def slot(rng: random.Random, today: date, i: int, seats: int) -> Slot:
    lat, lon = _place(rng, 0.08)
    return Slot(
        opening_id=UUID(int=(1 << 64) + i + 1), sector=rng.choices(SECTORS, weights=SECTOR_WEIGHTS)[0],
        latitude=lat, longitude=lon, start_date=today + timedelta(days=rng.randint(7, 90)), seats=seats,
        weekly_hours=rng.choice([20, 25, 30, 36, 40]), italian_level=rng.choices(CEFR[:5], weights=[1, 3, 4, 2, 1])[0],
        driving_licence=rng.random() < 0.08,
    )


def instance(
    n_people: int, n_openings: int, n_seats: int, *, seed: int, today: date,
) -> tuple[list[Candidate], list[Slot]]:
    """`n_people` people and `n_openings` openings holding `n_seats` seats in all (each at least one)."""
    rng = random.Random(seed)
    extra = n_seats - n_openings
    seats = [1] * n_openings
    for _ in range(extra):
        seats[rng.randrange(n_openings)] += 1
    return ([person(rng, today, i) for i in range(n_people)],
            [slot(rng, today, i, seats[i]) for i in range(n_openings)])
