"""Reads employment's data files (rules/*.toml, data/municipalities.csv) into domain objects, once."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from employment.domain.instalments import Basis, parse_basis
from employment.domain.matching.model import Policy, parse_policy
from employment.domain.places import Gazetteer, parse_municipalities
from employment.domain.regions import RegionRule, parse_region_rules
from shared.countries import iso_countries

SERVICE = Path(__file__).resolve().parent.parent
RULES = SERVICE / "rules"
DATA = SERVICE / "data"


@dataclass(frozen=True)
class Rulebook:
    regions: dict[str, RegionRule]
    policy: Policy
    gazetteer: Gazetteer
    interruption_reasons: frozenset[str]
    automatic_reasons: frozenset[str]
    stalled_after_days: int
    ending_soon_days: int
    countries: frozenset[str]  # ISO 3166-1 alpha-2 and XK (shared.countries)
    instalment_basis: Basis = "thirtieths"
    weeks_per_month: Decimal = Decimal("4.3333")


def _toml(name: str, folder: Path = RULES) -> dict:
    return tomllib.loads((folder / name).read_text(encoding="utf-8"))


@cache
def rulebook(rules: Path = RULES, data: Path = DATA) -> Rulebook:
    """The rules on file; a malformed file fails here, at start-up."""
    with (data / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        gazetteer = Gazetteer(parse_municipalities(csv.DictReader(f)))
    pipeline = _toml("pipeline.toml", rules)
    instalments = _toml("instalments.toml", rules)
    weeks = Decimal(str(instalments["weeks_per_month"]))
    if not Decimal(4) <= weeks <= Decimal(5):
        raise ValueError("instalments.toml: weeks_per_month is between 4 and 5")
    reasons = frozenset(pipeline["interruption_reasons"])
    if "other" not in reasons:
        raise ValueError("pipeline.toml: interruption_reasons must end with 'other'")
    return Rulebook(
        regions=parse_region_rules(_toml("traineeship_regions.toml", rules)),
        policy=parse_policy(_toml("matching.toml", rules)),
        gazetteer=gazetteer, interruption_reasons=reasons,
        automatic_reasons=frozenset(pipeline["automatic_reasons"]),
        stalled_after_days=int(pipeline["stalled_after_days"]), ending_soon_days=int(pipeline["ending_soon_days"]),
        countries=iso_countries(),
        instalment_basis=parse_basis(str(instalments["partial_month_basis"])), weeks_per_month=weeks,
    )
