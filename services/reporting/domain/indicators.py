"""Indicator definitions as data: what is counted, from which events, on which date, broken down
how. The files live in `reporting/data/`; this module is their schema and checks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reporting.domain.facts import FACT_DIMENSIONS, PERSON_ATTRIBUTES
from shared.errors import RuleViolation

Dimension = Literal["sex", "age_band", "legal_status", "citizenship", "province", "kind", "category", "sector"]
DIMENSIONS: tuple[str, ...] = (*PERSON_ATTRIBUTES, *FACT_DIMENSIONS)
CROSS, JOIN = "*", "|"


def cross(a: str, b: str) -> str:
    return f"{a}{CROSS}{b}"


def crossed_parts(dimension: str) -> tuple[str, str] | None:
    """`("sex", "age_band")` for the two-way breakdown `sex*age_band`; None for a one-way one."""
    a, _, b = dimension.partition(CROSS)
    return (a, b) if b else None


Measure = Literal["people", "events", "records", "sum_amount", "sum_quantity", "mean_days"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Data):
    it: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def of(self, language: str) -> str:
        return self.en if language == "en" else self.it


class Without(_Data):
    """People excluded from the count: those with a fact of these types (and kinds) dated before the
    period's start or end, e.g. a path closed before the period began."""

    events: list[str] = Field(min_length=1)
    kind: list[str] | None = None
    category: list[str] | None = None
    before: Literal["period_start", "period_end"] = "period_end"


class Rule(_Data):
    """The counting rule: which facts, dated how relative to the period, and what is measured.
    `in_period` counts facts dated in the period; `to_date` everything dated up to its end."""

    measure: Measure
    events: list[str] = Field(min_length=1)
    period: Literal["in_period", "to_date"] = "in_period"
    kind: list[str] | None = None
    category: list[str] | None = None
    quantity_at_least: Decimal | None = None
    person: dict[Literal["sex", "age_band", "legal_status", "citizenship", "province", "women_inactive"],
                 list[str]] = Field(
        default_factory=dict)
    without: Without | None = None


class Indicator(_Data):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    definition: Text
    unit: Literal["people", "events", "records", "goals", "eur", "hours", "levels", "days"]
    rule: Rule
    breakdowns: list[Dimension] = Field(default_factory=list)
    # Two-way tables (sex by age band...): each pair is also a breakdown of its own, `a*b`, whose
    # categories are `ca|cb`; its rows add up to the one-way tables of a and b.
    crossed: list[tuple[Dimension, Dimension]] = Field(default_factory=list)
    chart: bool = False

    @property
    def tables(self) -> list[str]:
        """Every breakdown the indicator is counted by: the one-way ones, then the two-way ones."""
        return [*self.breakdowns, *(cross(a, b) for a, b in self.crossed)]

    @model_validator(mode="after")
    def _crossed_pairs(self) -> Indicator:
        for a, b in self.crossed:
            if a == b or a not in self.breakdowns or b not in self.breakdowns:
                raise ValueError(f"indicator {self.id}: a two-way table crosses two of its own breakdowns ({a}, {b})")
        return self

    @model_validator(mode="after")
    def _measure_fits_unit(self) -> Indicator:
        if self.unit == "eur" and self.rule.measure != "sum_amount":
            raise ValueError(f"indicator {self.id}: euros are measured with sum_amount")
        if self.unit == "people" and self.rule.measure != "people":
            raise ValueError(f"indicator {self.id}: a count of people is measured with people")
        return self


class IndicatorSet(_Data):
    """One funder's or report's set: the yearly social report, FAMI/AMIF, the ESF, a foundation's."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    description: Text
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> IndicatorSet:
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError(f"set {self.id}: an indicator id is listed twice")
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise RuleViolation("indicator", "unknown_indicator", f"set {self.id!r} has no indicator {indicator_id!r}")


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise RuleViolation("period_end", "period_end_before_start", "the period ends before it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(start=date(year, 1, 1), end=date(year, 12, 31))
