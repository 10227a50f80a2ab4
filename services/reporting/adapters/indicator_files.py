"""Reads the indicator library, the sets and the suppression rule from `reporting/data/`."""

from __future__ import annotations

from pathlib import Path

import yaml

import shared.events.contracts  # noqa: F401  (registers every contract the rules may name)
from reporting.domain.catalogue import Catalogue, build_catalogue
from shared.events.registry import known_types

DATA = Path(__file__).resolve().parent.parent / "data"


def load_catalogue(data: Path = DATA) -> Catalogue:
    library = yaml.safe_load((data / "indicators.yaml").read_text(encoding="utf-8"))
    sets = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((data / "indicator_sets").glob("*.yaml"))]
    suppression = yaml.safe_load((data / "suppression.yaml").read_text(encoding="utf-8"))
    labels = yaml.safe_load((data / "labels.yaml").read_text(encoding="utf-8"))
    words = yaml.safe_load((data / "timeline.yaml").read_text(encoding="utf-8"))
    costs = yaml.safe_load((data / "cost_lines.yaml").read_text(encoding="utf-8"))
    return build_catalogue(library, sets, suppression, known_types(), labels, words, costs)
