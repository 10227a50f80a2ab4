"""How the idempotent consumer tells a bad event from a bad moment, on the real PostgreSQL: records
are handed to it directly, as the subscriber does, so no broker is needed."""

from __future__ import annotations

import json
from itertools import count
from uuid import uuid4

import asyncpg
import pytest
from aiokafka.structs import ConsumerRecord

import shared.consumer as consumer_module
from shared.consumer import Batched, IdempotentConsumer
from shared.events.codec import encode, key_of
from shared.events.contracts import HousingCandidateWaiting
from shared.events.envelope import Event
from shared.uow import PostgresUnitOfWork
from tests.integration.test_backbone import HANDLERS, apply_effect, probe_event

pytestmark = pytest.mark.integration
_offsets = count()


def record(value: bytes, key: bytes = b"k") -> ConsumerRecord:
    return ConsumerRecord("probe.events", 0, next(_offsets), 0, 0, key, value, None, len(key), len(value), [])


def with_type(event_type: str, *, schema_version: int = 1, payload: dict | None = None) -> bytes:
    envelope = json.loads(encode(probe_event(uuid4())))
    envelope.update(event_type=event_type, schema_version=schema_version, payload=payload or {})
    return json.dumps(envelope).encode()


async def outcomes(pool) -> list[str]:
    return [r["outcome"] for r in await pool.fetch("SELECT outcome FROM processed_events ORDER BY \"offset\"")]


async def dead_letters(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'percorsi.dead-letter'")


def failing(times: int, error: Exception):
    """A handler that raises `error` on its first `times` calls, then applies the effect."""
    calls = []

    async def handle(uow, event: Event) -> None:
        calls.append(event.event_id)
        if len(calls) <= times:
            raise error
        await apply_effect(uow, event)

    return handle, calls


async def test_event_types_the_consumer_does_not_handle_are_ignored_without_validating_them(probe_db):
    _, pool = probe_db
    consumer = IdempotentConsumer(pool, HANDLERS, group="probe")
    newer = with_type("intake.beneficiary_registered", schema_version=99)  # another service's future version
    invalid = with_type("intake.beneficiary_erased", payload={"erased_on": "not a date"})
    foreign = with_type("someone.elses_event")
    mine = probe_event(uuid4())
    await consumer.handle_records([record(newer), record(invalid), record(foreign), record(encode(mine), key_of(mine))])
    assert await outcomes(pool) == ["ignored", "ignored", "ignored", "handled"]
    assert await dead_letters(pool) == 0


async def test_a_handled_type_with_an_invalid_payload_is_still_dead_lettered(probe_db):
    _, pool = probe_db
    consumer = IdempotentConsumer(pool, HANDLERS, group="probe")
    await consumer.handle_records([
        record(with_type(HousingCandidateWaiting.event_type, payload={"since": "not a date"})),
        record(with_type(HousingCandidateWaiting.event_type, schema_version=99, payload={"since": "2026-01-01"})),
    ])
    assert await outcomes(pool) == ["dead_lettered", "dead_lettered"]
    assert await dead_letters(pool) == 2


def test_handlers_for_types_without_a_contract_are_refused():
    with pytest.raises(ValueError, match="no registered contract: not.a_contract"):
        IdempotentConsumer(None, {"not.a_contract": apply_effect}, group="probe")


@pytest.mark.parametrize("error", [asyncpg.DeadlockDetectedError("deadlock detected"),
                                   asyncpg.SerializationError("could not serialize access")])
async def test_a_deadlock_or_serialization_failure_is_retried_in_place_not_dead_lettered(probe_db, error):
    _, pool = probe_db
    handler, calls = failing(3, error)  # more failures than the handler retries a bad event
    consumer = IdempotentConsumer(pool, {HousingCandidateWaiting.event_type: handler}, group="probe", retries=1)
    events = [probe_event(uuid4()) for _ in range(2)]
    await consumer.handle_records([record(encode(e), key_of(e)) for e in events])
    assert await pool.fetchval("SELECT count(*) FROM effects") == 2
    assert await pool.fetchval("SELECT max(applied) FROM effects") == 1
    assert await outcomes(pool) == ["handled", "handled"]
    assert await dead_letters(pool) == 0


@pytest.mark.parametrize("error", [asyncpg.AdminShutdownError("terminating connection due to administrator command"),
                                   asyncpg.CannotConnectNowError("the database system is starting up"),
                                   asyncpg.CrashShutdownError("terminating connection due to crash")])
async def test_a_server_going_away_rewinds_the_batch_and_never_dead_letters(probe_db, error):
    _, pool = probe_db
    handler, calls = failing(1_000, error)
    consumer = IdempotentConsumer(pool, {HousingCandidateWaiting.event_type: handler}, group="probe", retries=1)
    event = probe_event(uuid4())
    with pytest.raises(type(error)):  # the subscriber nacks: the batch is read again from its first record
        await consumer.handle_records([record(encode(event), key_of(event))])
    assert len(calls) == 5  # retried in place first
    assert await outcomes(pool) == []
    assert await dead_letters(pool) == 0


@pytest.mark.parametrize("recorded", [False, True], ids=["spans not recorded", "spans recorded"])
async def test_events_a_batch_causes_continue_each_cause_s_trace(probe_db, monkeypatch, recorded):
    """Whether spans are recorded (an OTLP endpoint) or not (the default), each event a batched
    handler causes carries the trace id of the record that caused it, not the batch's or a new one."""
    monkeypatch.setattr(consumer_module, "spans_recorded", lambda: recorded)
    _, pool = probe_db

    async def announce(uow, events) -> None:
        for e in events:
            uow.emit_caused(e.payload, e)

    consumer = IdempotentConsumer(
        pool, {HousingCandidateWaiting.event_type: Batched(announce)}, group="probe",
        unit_of_work=lambda conn: PostgresUnitOfWork.joined(conn, topic="probe.caused", producer="probe"),
    )
    traces = [f"{i:032x}" for i in (0xA1, 0xB2, 0xC3)]
    causes = [probe_event(uuid4()) for _ in traces]
    records = [
        ConsumerRecord("probe.events", 0, next(_offsets), 0, 0, key_of(e), encode(e), None, 36, 0,
                       [("traceparent", f"00-{trace}-00f067aa0ba902b7-01".encode())])
        for e, trace in zip(causes, traces, strict=True)
    ]
    await consumer.handle_records(records)
    rows = await pool.fetch("SELECT value, headers FROM outbox WHERE topic = 'probe.caused' ORDER BY seq")
    caused_by = {json.loads(bytes(r["value"]))["causation_id"]: r["headers"]["traceparent"].split("-")[1] for r in rows}
    assert caused_by == {str(e.event_id): trace for e, trace in zip(causes, traces, strict=True)}
