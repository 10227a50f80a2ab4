"""The consent purposes, from services/intake/data/consent_purposes.csv, read once."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from intake.domain.consent import Purpose

PATH = Path(__file__).resolve().parents[1] / "data" / "consent_purposes.csv"


@cache
def purposes() -> dict[str, Purpose]:
    with PATH.open(encoding="utf-8", newline="") as f:
        return {r["code"]: Purpose(r["code"], r["name_en"], r["name_it"], r["acted_on_by"]) for r in csv.DictReader(f)}
