"""Employment's reactions to other services' events: the one table of handlers."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from employment.adapters import repository
from employment.domain.candidates import candidate_from, waiting_event
from shared import outbox
from shared.consumer import Batched
from shared.events.contracts import BeneficiaryRegistered
from shared.events.envelope import Event
from shared.topics import EMPLOYMENT_EVENTS


async def on_beneficiaries_registered(conn: asyncpg.Connection, events: Sequence[Event]) -> None:
    """Record the people as waiting candidates and say so, once each."""
    candidates = [candidate_from(e.beneficiary_id, e.envelope.organisation_id, e.payload) for e in events]
    added = await repository.add_candidates(conn, candidates=candidates, event_ids=[e.event_id for e in events])
    await outbox.add_caused(conn, EMPLOYMENT_EVENTS.name, [
        (waiting_event(candidate), e) for e, candidate in zip(events, candidates, strict=True) if e.event_id in added
    ], producer="employment")


HANDLERS = {BeneficiaryRegistered.event_type: Batched(on_beneficiaries_registered)}
