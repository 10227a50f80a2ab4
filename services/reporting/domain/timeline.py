"""A person's path in words: each event, in the order it happened, with what it means. Only the
coarse attributes the event carried are used; the words come from `data/timeline.yaml`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from reporting.domain.catalogue import Labels
from reporting.domain.facts import Fact

FALLBACK = {"it": "Evento {event_type}.", "en": "Event {event_type}."}


def _quantity(value: Decimal | None) -> str:
    if value is None:
        return "-"
    # Decimal("60").normalize() is 6E+1: a whole number is written out with format "f"
    return f"{value.to_integral_value():f}" if value == value.to_integral_value() else f"{value:.2f}"


def describe(fact: Fact, templates: Mapping[str, Mapping[str, str]], labels: Labels, language: str) -> str:
    template = templates.get(fact.event_type, FALLBACK)[language]
    return template.format(
        date=fact.occurred_on.isoformat(), kind=labels.code(fact.kind, language) if fact.kind else "-",
        category=labels.code(fact.category, language) if fact.category else "-",
        quantity=_quantity(fact.quantity), amount=f"{fact.amount:.2f}" if fact.amount is not None else "-",
        project=fact.project_id or "-", event_type=fact.event_type,
        sector=labels.code(fact.sector, language, "sector") if fact.sector else "-",
    )


def entry(fact: Fact, producer: str, version: int, payload: dict[str, Any], words: str) -> dict[str, Any]:
    return {
        "event_id": str(fact.event_id), "event_type": fact.event_type, "schema_version": version,
        "producer": producer, "occurred_on": fact.occurred_on.isoformat(),
        "recorded_at": fact.recorded_at.isoformat(), "organisation_id": fact.organisation_id,
        "project_id": fact.project_id, "words": words, "payload": payload,
    }
