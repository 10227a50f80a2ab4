"""Reporting's service over the in-memory unit of work, with a scenario's events in it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reporting.adapters.indicator_files import load_catalogue
from reporting.adapters.tauargus import TauArgus
from reporting.service_layer.reports import Reporting
from reporting.service_layer.unit_of_work import InMemoryReportingUnitOfWork
from shared.events.envelope import Event

CATALOGUE = load_catalogue()
NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def in_memory(events: list[Event]) -> tuple[Reporting, InMemoryReportingUnitOfWork]:
    uow = InMemoryReportingUnitOfWork()
    async with uow:
        await uow.facts.append(events)
    return Reporting(lambda: uow, CATALOGUE, TauArgus(), clock=lambda: NOW), uow


def figure(doc: dict[str, Any], indicator: str, organisation: str | None = None) -> dict[Any, Any]:
    """{None: total, (dimension, category): value} of one figure, for one organisation or all."""
    fig = next(f for f in doc["figures"] if f["indicator"] == indicator)
    return {(c["dimension"], c["category"]) if c["dimension"] else None: c["value"]
            for c in fig["cells"] if c["organisation_id"] == organisation}


def withheld(doc: dict[str, Any], indicator: str) -> dict[Any, str]:
    fig = next(f for f in doc["figures"] if f["indicator"] == indicator)
    return {(c["organisation_id"], c["dimension"], c["category"]): c["withheld"] for c in fig["cells"] if c["withheld"]}
