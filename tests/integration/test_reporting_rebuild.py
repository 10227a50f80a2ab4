"""The rebuild on the real servers: every projection from the start of the topics into a new
generation while the service keeps answering and the live consumer keeps writing; then the switch,
with the same figures as before (and as the pure counting says), old contract versions upcast, the
old generation dropped, and a generation left by a dead rebuild cleaned up."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from reporting.adapters import generations as generations_sql
from reporting.adapters.generation_store import PostgresGenerations
from reporting.adapters.memory import InMemoryFacts
from reporting.adapters.topic_reader import TopicReader
from reporting.domain.access import Viewer
from reporting.domain.indicators import Period
from reporting.service_layer.projection import consumed_contracts
from reporting.service_layer.rebuild import generations, rebuild
from reporting.service_layer.reports import ReportCommand
from shared.errors import Conflict
from shared.events.codec import encode, key_of
from tests.integration.reporting_support import ReportingDatabase, timeline_of
from tests.kafka_support import new_topic
from tests.reporting_scenario import Scenario
from tests.unit.reporting.scenarios import coop_a
from tests.waiting import eventually

pytestmark = pytest.mark.integration
TYPES = [c.event_type for c in consumed_contracts()]
AS_OF = date(2026, 2, 1)


def v1_assessment(person) -> bytes:  # noqa: ANN001
    """An assessment as intake published it before v2, skill names included: upcast on the way in."""
    return json.dumps({
        "event_id": str(uuid4()), "event_type": "intake.assessment_recorded", "schema_version": 1,
        "occurred_at": "2025-05-10T10:00:00Z", "recorded_at": "2025-05-10T10:00:00Z",
        "beneficiary_id": str(person), "organisation_id": "coop-a", "correlation_id": str(uuid4()),
        "producer": "intake", "payload": {
            "assessment_id": str(uuid4()), "assessed_on": "2025-05-10",
            "skills": [{"name": "aiuto cuoco da mario rossi", "level": 4}, {"name": "pulizie", "level": 1}],
            "needs": {"work": ["job_search"]}}}).encode()


async def produce(bootstrap: str, topics: dict[str, str], events, extra: list[tuple[str, bytes, bytes]] = ()):  # noqa: ANN001
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send(topics[event.envelope.producer], encode(event.envelope), key=key_of(event.envelope))
        for topic, key, value in extra:
            await producer.send(topics[topic], value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


@pytest.fixture
async def database(real_servers):
    async with ReportingDatabase(real_servers) as db:
        yield db


async def test_rebuild_while_answering_then_switch_with_the_same_figures(database, real_servers):
    scenario, people = coop_a()
    topics = {s: await new_topic(real_servers.kafka) for s in ("intake", "housing", "employment")}
    old = [("intake", str(people["a1"]).encode(), v1_assessment(people["a1"]))]
    await produce(real_servers.kafka, topics, scenario.events, old)
    await database.append(scenario.events)  # what the live consumer had written to generation 1
    service = database.reporting(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
    command = ReportCommand(Viewer("operator", "coop-a"), "social_report", Period.year(2025), AS_OF)
    before = await service.report(command)

    # while the rebuild runs: a live event arrives (written to every open generation) and reports answer
    late = Scenario(orgs=dict(scenario.orgs))
    late.intervention(people["a4"], "socio_legal", "2025-12-15", cost="25.00")
    reading = asyncio.Event()

    class SlowReader(TopicReader):
        async def batches(self):  # noqa: ANN201
            async for batch in super().batches():
                reading.set()
                await asyncio.sleep(0.3)
                yield batch

    store = PostgresGenerations(database.pool)
    slow = store.loader(lambda: SlowReader(real_servers.kafka, list(topics.values()), TYPES, batch=20))
    task = asyncio.create_task(rebuild(store, slow))
    await reading.wait()
    states = {g["generation"]: g["state"] for g in await generations(store)}
    assert states == {1: "active", 2: "building"}
    with pytest.raises(Conflict):
        await rebuild(store, slow)
    during = await service.report(command)  # answered from generation 1
    assert during == before
    await database.append(late.events)
    result = await task
    assert result.generation == 2

    after = await service.report(command)
    socio_legal = {f["indicator"]: f["total"] for f in after["figures"]}["socio_legal_interventions"]
    assert socio_legal == 2  # a1's and the live one written during the rebuild
    changed = {f["indicator"] for f, g in zip(before["figures"], after["figures"], strict=True) if f != g}
    assert changed == {"socio_legal_interventions", "interventions", "intervention_costs"}
    memory = InMemoryFacts()
    await memory.append(scenario.events + late.events)
    async with database.uow() as uow:
        # every event's facts, once (the v1 assessment too), in generation 2
        assert await uow.facts.count() == await memory.count() + 1
    assert {g["generation"]: g["state"] for g in await generations(store)} == {1: "retired", 2: "active"}
    async with database.pool.acquire() as conn:
        assert await conn.fetchval("SELECT to_regnamespace('gen_1')") is None
    timeline = await timeline_of(database.pool, people["a1"])
    assessment = next(t for t in timeline if t.fact.event_type == "intake.assessment_recorded")
    assert assessment.schema_version == 1 and "skills" not in assessment.payload
    assert assessment.payload["skills_per_level"] == [{"level": 1, "count": 1}, {"level": 4, "count": 1}]


async def test_a_generation_left_by_a_dead_rebuild_is_dropped_by_the_next(database, real_servers):
    scenario, _ = coop_a()
    topics = {s: await new_topic(real_servers.kafka) for s in ("intake", "housing", "employment")}
    await produce(real_servers.kafka, topics, scenario.events)
    async with database.pool.acquire() as conn:
        assert await generations_sql.open_new(conn) == 2  # as a process that died mid-rebuild left it
    async with database.uow() as uow:
        await uow.facts.append(scenario.events[:1], generation=2)
    async with database.pool.acquire() as conn:
        await conn.execute("UPDATE gen_2.facts SET organisation_id = 'half-built'")
    store = PostgresGenerations(database.pool)
    reader = store.loader(lambda: TopicReader(real_servers.kafka, list(topics.values()), TYPES))
    result = await rebuild(store, reader)
    assert result.generation == 2
    memory = InMemoryFacts()
    await memory.append(scenario.events)
    assert result.facts == await memory.count()  # every event's facts, once
    states = {g["generation"]: g["state"] for g in await generations(store)}
    assert states == {1: "retired", 2: "active"}
    async with database.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM gen_2.facts WHERE organisation_id = 'half-built'") == 0
    service = database.reporting(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
    doc = await service.report(ReportCommand(Viewer("operator", "coop-a"), "social_report", Period.year(2025),
                                             AS_OF))
    assert {f["indicator"]: f["total"] for f in doc["figures"]}["people_taken_in_charge_new"] == 6


async def _waiting_on_a_lock(admin: asyncpg.Connection, pid: int) -> bool:
    return await admin.fetchval("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid) is True


async def test_a_switch_waits_for_reports_in_flight_and_later_reports_read_the_new_generation(database):
    """The switch drops the old generation: a report that had started on it must finish on it (no table
    dropped under its queries, which answered 500 under load), and one that starts during the switch
    reads the new generation once the switch commits."""
    scenario, _ = coop_a()
    await database.append(scenario.events)
    admin = await asyncpg.connect(database.admin_dsn)
    try:
        async with database.pool.acquire() as conn:
            new = await generations_sql.open_new(conn)
        async with database.pool.acquire() as conn:
            pid = conn.get_server_pid()

            async def switch() -> None:
                async with conn.transaction():
                    await generations_sql.switch(conn, new, 0)

            async with database.uow() as report:
                facts = await report.facts.count()
                assert facts > 0
                switching = asyncio.create_task(switch())
                await eventually(lambda: _waiting_on_a_lock(admin, pid), what="the switch waits for the report")
                assert await report.facts.count() == facts  # the old generation is still there, whole
                assert not switching.done()
            await switching
        async with database.uow() as later:
            assert await later.facts.count() == 0  # the new (empty) generation
        assert await admin.fetchval("SELECT to_regclass($1)", f"gen_{new - 1}.facts") is None

        # a report that starts while a switch holds the row waits for it, then reads what it switched to
        async with database.pool.acquire() as conn:
            newer = await generations_sql.open_new(conn)
            await database.append(scenario.events[:1])  # written to both open generations
            tx = conn.transaction()
            await tx.start()
            await generations_sql.switch(conn, newer, 0)

            async def count_in_a_report() -> int:
                async with database.uow() as uow:
                    return await uow.facts.count()

            reading = asyncio.create_task(count_in_a_report())
            await eventually(lambda: _any_waiting(admin, database.name), what="the report waits for the switch")
            await tx.commit()
        assert await reading == await _facts_in(admin, newer)
    finally:
        await admin.close()


async def _any_waiting(admin: asyncpg.Connection, name: str) -> bool:
    return bool(await admin.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", name))


async def _facts_in(admin: asyncpg.Connection, generation: int) -> int:
    return int(await admin.fetchval(f"SELECT count(*) FROM gen_{generation}.facts"))
