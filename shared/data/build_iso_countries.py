"""Rebuild `iso_countries.csv`: the ISO 3166-1 alpha-2 codes a birth country, a citizenship (intake) and a
foreign qualification's country (employment) are given in (intake's own `countries.csv` holds only the
countries a fiscal code has a place code for: no Italy, no Hong Kong).

Not run by the service: the table is checked in, so the service does not need the package at run time.
To refresh it (pycountry ships the ISO tables inside its wheel):

    python -m venv /tmp/pyc && /tmp/pyc/bin/pip install pycountry
    /tmp/pyc/bin/python shared/data/build_iso_countries.py

Kosovo (XK) is added by hand: not in ISO 3166-1, it is the code the European Commission and Italy's
own registers use; people from there are taken in charge and hold qualifications to be recognised."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent / "iso_countries.csv"
EXTRA = {"XK": "Kosovo"}


def main() -> None:
    rows = {c.alpha_2: c.name for c in pycountry.countries} | EXTRA
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso2", "name"])
        w.writerows(sorted(rows.items()))


if __name__ == "__main__":
    main()
