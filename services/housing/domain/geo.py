"""Distances between Italian municipalities, from the shipped table `data/municipalities.csv`
(ISTAT code, name, province, region and a point inside each municipality; see
`data/build_municipalities.py` for where it comes from). Straight-line (great-circle) kilometres:
a coarse but honest proxy for a commute, with no routing service to call."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Municipality:
    istat_code: str
    name: str
    province: str
    lat: float
    lon: float


class Municipalities:
    """The table, indexed by ISTAT code."""

    def __init__(self, rows: list[Municipality]) -> None:
        self._by_code = {m.istat_code: m for m in rows}
        self.codes = [m.istat_code for m in rows]

    @classmethod
    def from_csv(cls, path: Path = DATA_FILE) -> Municipalities:
        with path.open(newline="") as f:
            rows = [Municipality(r["istat_code"], r["name"], r["province"], float(r["lat"]), float(r["lon"]))
                    for r in csv.DictReader(f)]
        return cls(rows)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Municipality | None:
        return self._by_code.get(code)

    def province_of(self, code: str) -> str | None:
        m = self._by_code.get(code)
        return m.province if m else None

    def in_province(self, province: str) -> list[str]:
        return [m.istat_code for m in self._by_code.values() if m.province == province]

    def coordinates(self, code: str | None) -> tuple[float, float]:
        """(lat, lon) in degrees, or (nan, nan) for an unknown or missing code."""
        m = self._by_code.get(code) if code else None
        return (m.lat, m.lon) if m else (float("nan"), float("nan"))

    def distance_km(self, a: str, b: str) -> float:
        (lat1, lon1), (lat2, lon2) = self.coordinates(a), self.coordinates(b)
        return float(haversine_km(np.array([lat1]), np.array([lon1]), np.array([lat2]), np.array([lon2]))[0])


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance, element-wise; NaN where a coordinate is unknown."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return km


@cache
def italian_municipalities() -> Municipalities:
    return Municipalities.from_csv()
