"""A report as a document: each figure with its indicator's label and written definition, the
period, the recorded time it stands as of, and what was withheld and why. Every format (JSON, CSV,
XLSX, PDF) is drawn from this one document, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from reporting.domain.catalogue import Catalogue
from reporting.domain.counting import cell_order
from reporting.domain.indicators import Indicator, IndicatorSet, Period
from reporting.domain.suppression import ShownCell

WHY = {
    "primary": {"it": "meno di {n} persone", "en": "fewer than {n} people"},
    "secondary": {"it": "nascosta perché non si possa ricavare un'altra cella nascosta",
                  "en": "withheld so that no other withheld cell can be recovered from the totals"},
}


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    cells: Sequence[ShownCell]


@dataclass(frozen=True)
class Report:
    title: str
    indicator_set: IndicatorSet
    subject: dict[str, str]
    period: Period
    as_of: datetime
    language: str
    suppressed: bool
    figures: Sequence[Figure]


def number(value: Decimal | None, unit: str) -> int | str | None:
    """Counts as integers; euros, hours and days as exact decimal strings (never floats)."""
    if value is None:
        return None
    if unit in ("people", "events", "records", "goals", "levels"):
        return int(value)
    return f"{value.quantize(Decimal('0.01'))}"


def document(report: Report, catalogue: Catalogue) -> dict[str, Any]:
    """The report as plain data, in the report's language."""
    lang, labels, rule = report.language, catalogue.labels, catalogue.suppression
    figures, withheld = [], []
    for figure in report.figures:
        ind = figure.indicator
        cells = []
        for shown in sorted(figure.cells, key=lambda s: cell_order(s.cell)):
            c = shown.cell
            cell = {
                "organisation_id": c.organisation_id, "dimension": c.dimension,
                "dimension_label": labels.dimension(c.dimension, lang), "category": c.category,
                "category_label": labels.code(c.category, lang, c.dimension), "value": number(shown.value, ind.unit),
                "withheld": shown.withheld, "withheld_label": labels.reason(shown.withheld, lang),
            }
            cells.append(cell)
            if shown.withheld:
                why = WHY[shown.withheld][lang].format(n=rule.minimum_people)
                withheld.append({"indicator": ind.id, "organisation_id": c.organisation_id,
                                 "dimension": c.dimension, "category": c.category, "reason": shown.withheld,
                                 "why": why})
        total = next((x for x in cells if x["organisation_id"] is None and x["dimension"] is None), None)
        figures.append({
            "indicator": ind.id, "label": ind.label.of(lang), "definition": ind.definition.of(lang),
            "unit": ind.unit, "unit_label": labels.unit(ind.unit, lang), "chart": ind.chart,
            "breakdowns": list(ind.breakdowns),
            "crossed": ind.tables[len(ind.breakdowns):],
            "total": total["value"] if total else number(Decimal(0), ind.unit),
            "total_withheld": total["withheld"] if total else None, "cells": cells,
        })
    return {
        "title": report.title, "indicator_set": report.indicator_set.id,
        "indicator_set_title": report.indicator_set.title.of(lang), "subject": report.subject,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "as_of": report.as_of.isoformat(), "language": lang,
        "suppression": _suppression_note(report, catalogue, withheld),
        "figures": figures,
    }


def _suppression_note(report: Report, catalogue: Catalogue, withheld: list[dict[str, Any]]) -> dict[str, Any]:
    rule = catalogue.suppression
    if not report.suppressed:
        text = {"it": "Cifre esatte: restano nell'organizzazione.",
                "en": "Exact figures: they stay in the organisation."}
        return {"applied": False, "rule": text[report.language], "withheld": []}
    text = {
        "it": f"Ogni cifra riferita a meno di {rule.minimum_people} persone è nascosta (soppressione primaria), "
              "insieme alle celle che permetterebbero di ricavarla dai totali (soppressione secondaria, tau-argus).",
        "en": f"Every figure about fewer than {rule.minimum_people} people is withheld (primary suppression), with "
              "the cells that would let it be recovered from the totals (secondary suppression, tau-argus).",
    }
    return {"applied": True, "rule": text[report.language], "minimum_people": rule.minimum_people,
            "withheld": withheld}
