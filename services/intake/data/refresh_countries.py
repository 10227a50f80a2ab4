"""Regenerate countries.csv: each country's ISO 3166-1 alpha-2 code (what intake records as
birth_country) with the cadastral code ("Z" and 3 digits) a fiscal code gives a person born there.

    pip install pycountry && python services/intake/data/refresh_countries.py

The Z codes and their Italian and English names are the list python-codicefiscale ships (the
Agenzia delle Entrate's); the ISO codes come from pycountry, matched by name; PATCH holds the
names the two spell differently."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pycountry
from codicefiscale.data import get_countries_data

OUT = Path(__file__).resolve().parent / "countries.csv"
PATCH = {  # Z code -> ISO alpha-2, where the names differ
    "Z307": "CV", "Z530": "KY", "Z703": "CK", "Z108": "FO", "Z519": "TC", "Z520": "VI", "Z525": "VG",
    "Z729": "WF", "Z160": "XK", "Z326": "LY", "Z148": "MK", "Z513": "MQ", "Z723": "PF", "Z403": "PM",
    "Z340": "SH", "Z106": "VA", "Z907": "SS", "Z161": "PS", "Z242": "TL", "Z243": "TR",
}


def _norm(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", ascii_name.replace("&", "and"))


def main() -> None:
    by_name: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if value := getattr(country, attribute, None):
                by_name.setdefault(_norm(value), country.alpha_2)
    rows = []
    for c in get_countries_data():
        if not c["active"]:
            continue
        names = [c.get("name_alt_en", ""), c["name"], c.get("name_alt", ""), *c["name_slugs"]]
        iso = PATCH.get(c["code"]) or next((by_name[_norm(n)] for n in names if n and _norm(n) in by_name), None)
        if iso is None:
            raise SystemExit(f"no ISO code for {c['code']} {c['name']}: add it to PATCH")
        rows.append((iso, c["code"], c["name"]))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["iso2", "belfiore", "name_it"])
        writer.writerows(sorted(rows))
    print(f"{len(rows)} countries written to {OUT}")


if __name__ == "__main__":
    main()
