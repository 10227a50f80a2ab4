"""The place lists, read once: ISTAT's municipalities, ISO 3166's countries and the countries' fiscal-code
codes shipped in services/intake/data/ (see the refresh_*.py scripts there for their sources), and every cadastral
code there ever was, from python-codicefiscale's own lists."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from codicefiscale.data import get_countries_data, get_municipalities_data

from intake.domain.places import Municipality, Places
from shared.countries import iso_countries

DATA = Path(__file__).resolve().parents[1] / "data"


@cache
def places() -> Places:
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        municipalities = {r["istat_code"]: Municipality(r["istat_code"], r["name"], r["province"], r["belfiore"])
                          for r in csv.DictReader(f)}
    with (DATA / "countries.csv").open(encoding="utf-8", newline="") as f:
        foreign = {r["iso2"]: r["belfiore"] for r in csv.DictReader(f)}
    return Places(
        municipalities=municipalities,
        provinces=frozenset(m.province for m in municipalities.values()),
        foreign_codes=foreign,
        every_foreign_code=frozenset(c["code"] for c in get_countries_data()) | frozenset(foreign.values()),
        every_italian_code=frozenset(m["code"] for m in get_municipalities_data())
        | frozenset(m.belfiore for m in municipalities.values()),
        countries=iso_countries(),
    )
