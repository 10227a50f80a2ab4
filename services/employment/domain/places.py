"""Municipalities (ISTAT code, province, region, coordinates) and the distances between them.

The table is data/municipalities.csv (ISTAT's list with GeoNames' coordinates, see its build script);
the domain receives it parsed and never reads files itself."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.errors import RuleViolation

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Municipality:
    istat_code: str
    name: str
    province: str
    region: str
    latitude: float
    longitude: float
    approximate: bool = False


class Gazetteer:
    """Look-ups by ISTAT code, and each province's chief municipality as a stand-in when only the province is known."""

    def __init__(self, municipalities: Iterable[Municipality]) -> None:
        self.by_code: dict[str, Municipality] = {m.istat_code: m for m in municipalities}
        self._by_province: dict[str, list[Municipality]] = {}
        for m in self.by_code.values():
            self._by_province.setdefault(m.province, []).append(m)

    def get(self, code: str, *, field: str) -> Municipality:
        """The municipality, or a violation naming the field when the code is not an ISTAT municipality."""
        try:
            return self.by_code[code]
        except KeyError:
            raise RuleViolation(field, "unknown_municipality", f"{code!r} is not an ISTAT municipality code") from None

    def province_centre(self, province: str) -> Municipality | None:
        """The mean position of a province's municipalities (for people whose municipality is not known)."""
        members = self._by_province.get(province)
        if not members:
            return None
        return Municipality(
            istat_code="", name=province, province=province, region=members[0].region,
            latitude=sum(m.latitude for m in members) / len(members),
            longitude=sum(m.longitude for m in members) / len(members), approximate=True,
        )


def distance_km(a: Municipality, b: Municipality) -> float:
    """Great-circle distance (haversine)."""
    la, lb = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lb - la, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def parse_municipalities(rows: Iterable[Mapping[str, str]]) -> list[Municipality]:
    return [
        Municipality(
            istat_code=r["istat_code"], name=r["name"], province=r["province"], region=r["region"],
            latitude=float(r["latitude"]), longitude=float(r["longitude"]),
            approximate=r.get("source") == "province_mean",
        )
        for r in rows
    ]
