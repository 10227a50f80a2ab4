"""One person's timeline: every event of their path from every service, in order, in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from reporting.domain.access import Viewer, may_read_timeline
from reporting.domain.asof import as_of_instant
from reporting.domain.timeline import describe, entry
from reporting.service_layer.reports import Reporting
from shared.errors import NotFound, RuleViolation


@dataclass(frozen=True)
class TimelineQuery:
    viewer: Viewer
    beneficiary_id: UUID
    as_of: date | datetime | None = None
    language: str = "it"


async def person_timeline(reporting: Reporting, query: TimelineQuery) -> dict[str, Any]:
    """A person outside the caller's organisation looks the same as no person: 404."""
    if query.language not in ("it", "en"):
        raise RuleViolation("lang", "unknown_language", "timelines are in it or en")
    as_of = as_of_instant(query.as_of, reporting.clock())
    async with reporting.uow() as uow:
        rows = await uow.facts.timeline(query.beneficiary_id, as_of=as_of)
    registered = next((r.fact.organisation_id for r in rows if r.fact.event_type == "intake.beneficiary_registered"),
                      rows[0].fact.organisation_id if rows else None)
    if not rows or not may_read_timeline(query.viewer, registered):
        raise NotFound(f"no timeline for beneficiary {query.beneficiary_id} in your organisation",
                       field="beneficiary_id")
    catalogue = reporting.catalogue
    events = [entry(r.fact, r.producer, r.schema_version, r.payload,
                    describe(r.fact, catalogue.timeline_words, catalogue.labels, query.language)) for r in rows]
    return {"beneficiary_id": str(query.beneficiary_id), "as_of": as_of.isoformat(), "language": query.language,
            "events": events}
