"""The countries a person's birth country, citizenship or a qualification's country is given in: ISO
3166-1 alpha-2 codes and Kosovo's XK (shared/data/iso_countries.csv, rebuilt from pycountry by
shared/data/build_iso_countries.py). One table for every service that takes a country, so intake and
employment never disagree on what a country is."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "iso_countries.csv"


@cache
def iso_countries() -> frozenset[str]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return frozenset(row["iso2"] for row in csv.DictReader(f))
