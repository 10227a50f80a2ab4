"""Employment's reactions to other services' events: the one table of handlers."""

from __future__ import annotations

import asyncpg

from employment.adapters import repository
from employment.domain.candidates import candidate_from, waiting_event
from shared import outbox
from shared.events.codec import envelope_for
from shared.events.contracts import BeneficiaryRegistered
from shared.events.envelope import Event
from shared.topics import EMPLOYMENT_EVENTS


async def on_beneficiary_registered(conn: asyncpg.Connection, event: Event) -> None:
    """Record the person as a waiting candidate and say so, once."""
    assert isinstance(event.payload, BeneficiaryRegistered)
    env = event.envelope
    candidate = candidate_from(env.beneficiary_id, env.organisation_id, event.payload)
    if await repository.add_candidate(conn, candidate=candidate, event_id=env.event_id):
        waiting = envelope_for(
            waiting_event(candidate), beneficiary_id=env.beneficiary_id, organisation_id=env.organisation_id,
            producer="employment", correlation_id=env.correlation_id, causation_id=env.event_id,
            project_id=env.project_id,
        )
        await outbox.add_events(conn, EMPLOYMENT_EVENTS.name, [waiting])


HANDLERS = {BeneficiaryRegistered.event_type: on_beneficiary_registered}
