"""Writing to the transactional outbox: called inside the caller's transaction, so the state
change and the events it causes commit or roll back together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from shared import idempotency
from shared.db import Connection, json_text
from shared.events.codec import encode, envelope_caused_by, key_of
from shared.events.envelope import Envelope, Event, EventPayload
from shared.limits import IN_REQUEST
from shared.telemetry import current_carrier

NOTIFY_CHANNEL = "percorsi_outbox"  # notified by the outbox's trigger (shared/migrations/0005_*)


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


class EventTooLarge(Exception):
    """A command whose event Kafka would refuse: refused before anything is stored (413), so no
    accepted command leaves an event that can never travel."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the event this request causes is {size} bytes; Kafka takes at most {MAX_RECORD_BYTES}")
        self.size = size


MAX_RECORD_BYTES = 1_000_000  # the relay's limit: key, value and headers (see shared/relay.py)


def record_size(record: OutboxRecord) -> int:
    return len(record.key) + len(record.value) + sum(len(k) + len(v) for k, v in record.headers.items())


def check_sizes(records: Sequence[OutboxRecord]) -> None:
    """Refuse an oversized event of an HTTP command. A consumer's caused events and dead letters are
    not refused (that would stall its partition): the relay sets such a row aside instead."""
    if not IN_REQUEST.get():
        return
    for record in records:
        size = record_size(record)
        if size > MAX_RECORD_BYTES:
            raise EventTooLarge(size)


def _insert(first_param: int) -> str:
    p = first_param
    return (
        "INSERT INTO outbox (event_id, topic, key, value, headers) SELECT e, t, k, v, h::jsonb "
        f"FROM unnest(${p}::uuid[], ${p + 1}::text[], ${p + 2}::bytea[], ${p + 3}::bytea[], ${p + 4}::text[]) "
        "AS r(e, t, k, v, h)"
    )


def _columns(records: Sequence[OutboxRecord]) -> list[list[Any]]:
    return [
        [r.event_id for r in records], [r.topic for r in records], [r.key for r in records],
        [r.value for r in records], [json_text(dict(r.headers)) for r in records],
    ]


def insert_cte(records: Sequence[OutboxRecord], *, first_param: int) -> tuple[str, list[Any]]:
    """The outbox insert as a CTE (`outbox_added AS (...)`) and its arguments, numbered from
    `first_param`, so a command's state change and its events go in one statement, one round trip.
    The outbox's statement trigger wakes the relay at commit however the rows were inserted."""
    check_sizes(records)
    cte, args = f"outbox_added AS ({_insert(first_param)})", list[Any](_columns(records))
    claim = idempotency.claim_cte(first_param + len(args))
    if claim is not None:  # the request's Idempotency-Key commits with its effects
        cte, args = f"{cte}, {claim[0]}", [*args, *claim[1]]
    return cte, args


async def add(conn: Connection, records: Sequence[OutboxRecord]) -> None:
    """Insert the records in one statement, in order, and wake the relay at commit."""
    if records:
        check_sizes(records)
        await idempotency.claim_in(conn)  # the request's Idempotency-Key commits with its effects
        await conn.execute(_insert(1), *_columns(records))


async def add_events(conn: Connection, topic: str, envelopes: Sequence[Envelope]) -> None:
    """Serialise `envelopes` and add them to the outbox for `topic`."""
    carrier = current_carrier()
    await add(conn, [record_for(e, topic, carrier) for e in envelopes])


async def add_caused(
    conn: Connection, topic: str, caused: Sequence[tuple[EventPayload, Event[EventPayload]]], *, producer: str
) -> None:
    """Add events caused by consumed ones (payload, cause): each about the cause's person, in its
    correlation, and continuing the trace of the event that caused it."""
    await add(conn, [
        record_for(envelope_caused_by(payload, cause.envelope, producer=producer), topic, cause.trace_context)
        for payload, cause in caused
    ])
