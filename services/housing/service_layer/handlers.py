"""Housing's reactions to other services' events: the one table of handlers."""

from __future__ import annotations

from collections.abc import Sequence

from housing.adapters import repository
from housing.domain.waiting import candidate_from, waiting_event
from shared.consumer import Batched
from shared.events.contracts import BeneficiaryRegistered
from shared.events.envelope import Event
from shared.uow import PostgresUnitOfWork


async def on_beneficiaries_registered(uow: PostgresUnitOfWork, events: Sequence[Event[BeneficiaryRegistered]]) -> None:
    """Put the people on the waiting list and say so, once each."""
    candidates = [candidate_from(e.beneficiary_id, e.envelope.organisation_id, e.payload) for e in events]
    added = await repository.add_waiting(uow.connection, candidates=candidates, event_ids=[e.event_id for e in events])
    for e, candidate in zip(events, candidates, strict=True):
        if e.event_id in added:
            uow.emit_caused(waiting_event(candidate), e)


HANDLERS = {BeneficiaryRegistered.event_type: Batched(on_beneficiaries_registered)}
