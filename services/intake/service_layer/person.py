"""What every command on a person shares: the locked row, sealing notes with the person's key,
and adding the command's events to the outbox in the same transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg

from intake.adapters import repository
from intake.adapters.vault import Vault
from intake.service_layer.errors import Conflict, NotFound
from shared import outbox
from shared.auth import Principal
from shared.events.codec import envelope_for
from shared.events.envelope import EventPayload
from shared.topics import INTAKE_EVENTS

PRODUCER = "intake"


async def locked_person(conn: asyncpg.Connection, principal: Principal, beneficiary_id: UUID) -> asyncpg.Record:
    """The person's row, locked until commit so one person's commands (and their outbox rows)
    happen one after another; refused when not in the caller's organisation or erased."""
    row = await repository.lock(conn, organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
    if row is None:
        raise NotFound(f"no beneficiary {beneficiary_id} in your organisation")
    if row["erased_at"] is not None:
        raise Conflict(f"beneficiary {beneficiary_id} was erased: nothing more is recorded about them", rule="erased")
    return row


def seal(vault: Vault, person: asyncpg.Record, notes: dict[str, Any]) -> bytes:
    """Free text about the person, encrypted with their own key so erasure destroys it too."""
    return vault.reseal(person["beneficiary_id"], person["wrapped_key"], notes)


def open_notes(vault: Vault, person: asyncpg.Record, sealed: bytes) -> dict[str, Any]:
    return vault.open(person["beneficiary_id"], person["wrapped_key"], sealed)


async def emit(
    conn: asyncpg.Connection, principal: Principal, beneficiary_id: UUID, *payloads: EventPayload,
    project_id: str | None = None,
) -> None:
    """Add the events of one command, sharing a correlation id, to the outbox."""
    correlation_id = uuid4()
    envelopes = [
        envelope_for(p, beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, producer=PRODUCER,
                     correlation_id=correlation_id, project_id=project_id)
        for p in payloads
    ]
    await outbox.add_events(conn, INTAKE_EVENTS.name, envelopes)
