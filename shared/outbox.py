"""Writing to the transactional outbox: called inside the caller's transaction, so the state
change and the events it causes commit or roll back together."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg

from shared.events.codec import encode, key_of
from shared.events.envelope import Envelope, Event
from shared.telemetry import current_carrier

NOTIFY_CHANNEL = "percorsi_outbox"


@dataclass(frozen=True)
class OutboxRecord:
    """Exact bytes to publish: what the relay sends is what was committed."""

    event_id: UUID
    topic: str
    key: bytes
    value: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def record_for(envelope: Envelope, topic: str, carrier: Mapping[str, str] | None = None) -> OutboxRecord:
    """Serialise once, carrying the trace context (the current one by default) for the relay."""
    headers = {**(current_carrier() if carrier is None else carrier), "event_type": envelope.event_type}
    return OutboxRecord(envelope.event_id, topic, key_of(envelope), encode(envelope), headers)


# One round trip: the rows, and the notification PostgreSQL delivers to the relay at commit.
_INSERT = f"""
WITH added AS (
    INSERT INTO outbox (event_id, topic, key, value, headers)
    SELECT e, t, k, v, h::jsonb
    FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::text[]) AS r(e, t, k, v, h)
    RETURNING 1
)
SELECT pg_notify('{NOTIFY_CHANNEL}', '') FROM (SELECT 1 FROM added LIMIT 1) AS any_added
"""


async def add(conn: asyncpg.Connection, records: Sequence[OutboxRecord]) -> None:
    """Insert the records in one statement, in order, and wake the relay at commit."""
    if not records:
        return
    await conn.execute(
        _INSERT,
        [r.event_id for r in records],
        [r.topic for r in records],
        [r.key for r in records],
        [r.value for r in records],
        [json.dumps(dict(r.headers)) for r in records],
    )


async def add_events(conn: asyncpg.Connection, topic: str, envelopes: Sequence[Envelope]) -> None:
    """Serialise `envelopes` and add them to the outbox for `topic`."""
    carrier = current_carrier()
    await add(conn, [record_for(e, topic, carrier) for e in envelopes])


async def add_caused(conn: asyncpg.Connection, topic: str, caused: Sequence[tuple[Envelope, Event]]) -> None:
    """Add events caused by consumed ones, each continuing the trace of the event that caused it."""
    await add(conn, [record_for(envelope, topic, cause.trace_context) for envelope, cause in caused])
