"""People and openings as columns of numbers, so hard requirements and scores are computed for a
thousand pairs per numpy operation instead of one pair per Python call."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import numpy as np

from employment.domain.levels import ATECO_SECTIONS, cefr_rank
from employment.domain.matching.model import Candidate, Policy, Slot

SECTORS = sorted(ATECO_SECTIONS)
SECTOR_INDEX = {s: i for i, s in enumerate(SECTORS)}
NEVER = date.max.toordinal()


class _Columns:
    """Rows addressed by an id, columns of fixed dtype; a removed row stays (indices never move) but is dead."""

    spec: dict[str, Any] = {}

    def __init__(self) -> None:
        self.rows: dict[UUID, int] = {}
        self.ids: list[UUID] = []
        self.n = 0
        self._cap = 16
        self.cols: dict[str, np.ndarray] = {
            k: np.zeros((self._cap, *shape), dtype=dt) for k, (dt, shape) in self.spec.items()
        }

    def _row(self, key: UUID) -> int:
        row = self.rows.get(key)
        if row is None:
            if self.n == self._cap:
                self._cap *= 2
                for k, arr in self.cols.items():
                    grown = np.zeros((self._cap, *arr.shape[1:]), dtype=arr.dtype)
                    grown[: self.n] = arr[: self.n]
                    self.cols[k] = grown
            row, self.n = self.n, self.n + 1
            self.rows[key] = row
            self.ids.append(key)
        return row

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]

    def kill(self, key: UUID) -> int | None:
        row = self.rows.get(key)
        if row is not None:
            self.cols["alive"][row] = False
        return row


class People(_Columns):
    spec = {
        "alive": (np.bool_, ()), "lat": (np.float64, ()), "lon": (np.float64, ()), "level": (np.int8, ()),
        "licence": (np.bool_, ()), "reach": (np.float64, ()), "adult_from": (np.int32, ()),
        "available_from": (np.int32, ()), "max_hours": (np.int16, ()), "waiting_since": (np.int32, ()),
        "women": (np.bool_, ()), "experience": (np.float32, (len(SECTORS),)),
        "certified": (np.bool_, (len(SECTORS),)), "recognised": (np.bool_, (len(SECTORS),)),
    }

    def put(self, c: Candidate, policy: Policy) -> int:
        r = self._row(c.beneficiary_id)
        col = self.cols
        col["alive"][r] = True
        col["lat"][r], col["lon"][r] = c.latitude, c.longitude
        col["level"][r] = cefr_rank(c.italian_level)
        col["licence"][r] = c.driving_licence
        col["reach"][r] = policy.reach_of(c.mobility if c.driving_licence else c.mobility - {"car"})
        col["adult_from"][r] = c.adult_from.toordinal() if c.adult_from else 0
        col["available_from"][r] = c.available_from.toordinal() if c.available_from else 0
        hours = c.max_weekly_hours if c.max_weekly_hours is not None else 48
        col["max_hours"][r] = min(hours, policy.childcare_max_weekly_hours) if c.childcare_need else hours
        col["waiting_since"][r] = c.waiting_since.toordinal()
        col["women"][r] = c.sex == "F" and c.women_priority
        col["experience"][r] = 0
        for sector, years in c.experience_years.items():
            col["experience"][r, SECTOR_INDEX[sector]] = years
        col["certified"][r] = False
        col["certified"][r, [SECTOR_INDEX[s] for s in c.certified_sectors]] = True
        col["recognised"][r] = False
        col["recognised"][r, [SECTOR_INDEX[s] for s in c.recognised_sectors]] = True
        return r


class Openings(_Columns):
    spec = {
        "alive": (np.bool_, ()), "lat": (np.float64, ()), "lon": (np.float64, ()), "sector": (np.int8, ()),
        "start": (np.int32, ()), "open_until": (np.int32, ()), "hours": (np.int16, ()), "level": (np.int8, ()),
        "licence": (np.bool_, ()), "seats": (np.int32, ()),
    }

    def put(self, s: Slot) -> int:
        r = self._row(s.opening_id)
        col = self.cols
        col["alive"][r] = s.seats > 0
        col["lat"][r], col["lon"][r] = s.latitude, s.longitude
        col["sector"][r] = SECTOR_INDEX[s.sector]
        col["start"][r] = s.start_date.toordinal()
        col["open_until"][r] = s.open_until.toordinal() if s.open_until else NEVER
        col["hours"][r] = s.weekly_hours
        col["level"][r] = cefr_rank(s.italian_level)
        col["licence"][r] = s.driving_licence
        col["seats"][r] = max(s.seats, 0)
        return r
