"""The indicator sets, resolved and checked as a whole: every set's indicators exist, every event
type a rule names is a contract the platform knows. Built from the data files by the adapters."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reporting.domain.indicators import JOIN, Indicator, IndicatorSet, crossed_parts
from reporting.domain.money import CostLine, cost_lines
from shared.errors import RuleViolation


@dataclass(frozen=True)
class Suppression:
    minimum_people: int
    safety_range_pct: int


@dataclass(frozen=True)
class Labels:
    """Words for codes and dimensions, in Italian and English; a code without words prints as is."""

    dimensions: Mapping[str, Mapping[str, str]]
    codes: Mapping[str, Mapping[str, str]]
    sectors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    units: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # "people" -> persone
    withheld: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # "primary" -> primaria

    def code(self, code: str | None, language: str, dimension: str | None = None) -> str:
        if code is None:
            return "Totale" if language == "it" else "Total"
        parts = crossed_parts(dimension) if dimension else None
        if parts is not None:  # a two-way table's category: each part in its own words
            return " × ".join(self.code(c, language, d) for c, d in zip(code.split(JOIN, 1), parts, strict=True))
        words = self.sectors if dimension == "sector" else self.codes
        return words.get(code, {}).get(language, code)

    def unit(self, unit: str, language: str) -> str:
        return self.units.get(unit, {}).get(language, unit)

    def reason(self, withheld: str | None, language: str) -> str:
        """Why a cell is withheld, in a word ("" for a published cell)."""
        return "" if withheld is None else self.withheld.get(withheld, {}).get(language, withheld)

    def dimension(self, name: str | None, language: str) -> str:
        if name is None:
            return "Totale" if language == "it" else "Total"
        parts = crossed_parts(name)
        if parts is not None:
            return " × ".join(self.dimension(d, language) for d in parts)
        return self.dimensions.get(name, {}).get(language, name)


@dataclass(frozen=True)
class Catalogue:
    sets: Mapping[str, IndicatorSet]
    suppression: Suppression
    labels: Labels = Labels({}, {})
    timeline_words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    cost_lines: Sequence[CostLine] = ()

    def set(self, set_id: str) -> IndicatorSet:
        try:
            return self.sets[set_id]
        except KeyError:
            raise RuleViolation("set", "unknown_indicator_set",
                                f"no indicator set {set_id!r}; known: {', '.join(sorted(self.sets))}") from None

    def all_indicators(self) -> dict[str, Indicator]:
        return {i.id: i for s in self.sets.values() for i in s.indicators}


def _words(labels: Mapping[str, Any], section: str) -> dict[str, Mapping[str, str]]:
    """One section of the labels file. YAML reads an unquoted `25_34` as the number 2534, so the age band
    would never find its words and print as a code: a key that is not text fails here, naming itself."""
    entries = dict(labels.get(section) or {})
    bad = [k for k in entries if not isinstance(k, str)]
    if bad:
        raise ValueError(f"labels {section}: keys {bad} were read as numbers, not codes: quote them")
    return entries


def build_catalogue(library: Mapping[str, Mapping[str, Any]], sets: Collection[Mapping[str, Any]],
                    suppression: Mapping[str, Any], known_event_types: Collection[str],
                    labels: Mapping[str, Any] | None = None,
                    timeline_words: Mapping[str, Mapping[str, str]] | None = None,
                    costs: Sequence[Mapping[str, Any]] = ()) -> Catalogue:
    """Resolve each set's indicator ids against the library; a bad file fails here, naming itself."""
    indicators = {key: Indicator.model_validate({"id": key, **value}) for key, value in library.items()}
    for indicator in indicators.values():
        named = set(indicator.rule.events) | set(indicator.rule.without.events if indicator.rule.without else [])
        unknown = sorted(named - set(known_event_types))
        if unknown:
            raise ValueError(f"indicator {indicator.id}: unknown event types {unknown}")
    resolved = {}
    for raw in sets:
        missing = [i for i in raw["indicators"] if i not in indicators]
        if missing:
            raise ValueError(f"set {raw.get('id')}: no indicator {missing} in the library")
        chosen = {**raw, "indicators": [indicators[i] for i in raw["indicators"]]}
        indicator_set = IndicatorSet.model_validate(chosen)
        resolved[indicator_set.id] = indicator_set
    raw = labels or {}
    words = Labels(*(_words(raw, section) for section in ("dimensions", "codes", "sectors", "units", "withheld")))
    rule = Suppression(int(suppression["minimum_people"]), int(suppression["safety_range_pct"]))
    return Catalogue(resolved, rule, words, dict(timeline_words or {}), cost_lines(costs))
