"""Housing's reactions to other services' events: the one table of handlers."""

from __future__ import annotations

import asyncpg

from housing.adapters import repository
from housing.domain.waiting import candidate_from, waiting_event
from shared import outbox
from shared.events.codec import envelope_for
from shared.events.contracts import BeneficiaryRegistered
from shared.events.envelope import Event
from shared.topics import HOUSING_EVENTS


async def on_beneficiary_registered(conn: asyncpg.Connection, event: Event) -> None:
    """Put the person on the waiting list and say so, once."""
    assert isinstance(event.payload, BeneficiaryRegistered)
    env = event.envelope
    candidate = candidate_from(env.beneficiary_id, env.organisation_id, event.payload)
    if await repository.add_waiting(conn, candidate=candidate, event_id=env.event_id):
        waiting = envelope_for(
            waiting_event(candidate), beneficiary_id=env.beneficiary_id, organisation_id=env.organisation_id,
            producer="housing", correlation_id=env.correlation_id, causation_id=env.event_id,
            project_id=env.project_id,
        )
        await outbox.add_events(conn, HOUSING_EVENTS.name, [waiting])


HANDLERS = {BeneficiaryRegistered.event_type: on_beneficiary_registered}
