"""reporting.*: steady consumption of a mixed stream by reporting's own runtime, a rebuild of every
projection from 1,000,000 events on the topics, and one organisation's yearly social report (JSON,
XLSX, PDF) over them as of a past date.

The events (every type reporting consumes, about 22 per person, 20 organisations, five years) are
generated here and produced straight to the benchmark's own topics with aiokafka record batches;
the topics are deleted and the benchmark database dropped at the end."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.reporting_events import Generator
from deploy.bootstrap import prepare_database
from reporting.adapters.formats.pdf import render_pdf
from reporting.adapters.formats.xlsx import render_xlsx
from reporting.adapters.generation_store import PostgresGenerations
from reporting.adapters.indicator_files import load_catalogue
from reporting.adapters.tauargus import TauArgus
from reporting.adapters.topic_reader import TopicReader
from reporting.bootstrap import wiring
from reporting.domain.access import Viewer
from reporting.domain.indicators import Period
from reporting.service_layer.projection import consumed_contracts
from reporting.service_layer.projects import RegisterProject, register_project
from reporting.service_layer.rebuild import rebuild
from reporting.service_layer.reports import ReportCommand, Reporting
from reporting.service_layer.unit_of_work import PostgresReportingUnitOfWork
from shared.db import create_pool, drop_database
from shared.heap import settle_after_startup
from shared.runtime import Runtime
from shared.settings import PlatformSettings, ServiceSettings
from shared.topics import TopicSpec

REBUILD_EVENTS = int(__import__("os").environ.get("BENCH_REPORTING_EVENTS", "1000000"))
STEADY_EVENTS = 150_000
PARTITIONS = 6
DATABASE = "percorsi_reporting_bench"
SERVICES = ("intake", "housing", "employment")
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench.reporting] {message}", file=sys.stderr, flush=True)


async def produce(bootstrap: str, topics: dict[str, str], records: Iterable[tuple[str, bytes, bytes]]) -> int:
    """Every record in whole record batches, one person per partition (crc32 of the key)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, max_request_size=4 * 1024 * 1024)
    await producer.start()
    sent = 0
    try:
        batches: dict[tuple[str, int], Any] = {}
        in_flight: list[asyncio.Future] = []
        for service, key, value in records:
            where = (topics[service], zlib.crc32(key) % PARTITIONS)
            batch = batches.get(where) or batches.setdefault(where, producer.create_batch())
            if batch.append(key=key, value=value, timestamp=None) is None:
                batch.close()
                in_flight.append(await producer.send_batch(batch, where[0], partition=where[1]))
                batch = batches[where] = producer.create_batch()
                batch.append(key=key, value=value, timestamp=None)
                if len(in_flight) > 64:
                    await asyncio.gather(*in_flight)
                    in_flight.clear()
            sent += 1
        for (topic, partition), batch in batches.items():
            batch.close()
            in_flight.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*in_flight)
    finally:
        await producer.stop()
    return sent


async def steady(platform: PlatformSettings, topics: dict[str, str], dsn_pool) -> float:  # noqa: ANN001
    """Reporting's runtime (FastStream subscriber, idempotent consumer, unit of work) on the topics;
    events per second between the first tracked record and the last."""
    settings = ServiceSettings.for_service("reporting", http_port=0, database=DATABASE)
    wired = wiring()
    wired.consumes = [TopicSpec(topics[s], PARTITIONS) for s in SERVICES]
    runtime = Runtime(settings, wired)
    await runtime.start()
    try:
        first: tuple[float, int] | None = None
        while True:
            async with dsn_pool.acquire() as conn:
                done = await conn.fetchval("SELECT count(*) FROM processed_events")
            now = time.perf_counter()
            if first is None and done:
                first = (now, done)
            if first is not None and done >= STEADY_EVENTS:
                return (done - first[1]) / (now - first[0])
            await asyncio.sleep(0.05)
    finally:
        await runtime.stop()


async def timed(make, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        await make()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:])  # the first run warms caches and is not counted


async def run() -> list[tuple[str, float, str]]:
    settle_after_startup()  # as every service process does once started (shared/heap.py)
    platform = PlatformSettings()
    await drop_database(platform.postgres_dsn, DATABASE)
    await prepare_database(platform, "reporting", DATABASE)  # as deployed: the service runs as its own role
    dsn = platform.database_dsn(DATABASE)
    run_id = uuid4().hex[:8]
    steady_topics = {s: f"bench.reporting.{run_id}.steady.{s}" for s in SERVICES}
    full_topics = {s: f"bench.reporting.{run_id}.full.{s}" for s in SERVICES}
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap_servers)
    await admin.start()
    await admin.create_topics([NewTopic(t, PARTITIONS, 1) for t in [*steady_topics.values(), *full_topics.values()]])
    pool = await create_pool(dsn, min_size=1, max_size=4)
    figures: list[tuple[str, float, str]] = []
    try:
        start = time.perf_counter()
        await produce(platform.kafka_bootstrap_servers, steady_topics, Generator(seed=1).records(STEADY_EVENTS))
        sent = await produce(platform.kafka_bootstrap_servers, full_topics, Generator(seed=2).records(REBUILD_EVENTS))
        log(f"generated and produced {sent + STEADY_EVENTS} events in {time.perf_counter() - start:.1f} s")
        figures.append(("reporting.projection_events_per_s", await steady(platform, steady_topics, pool),
                        "events/s"))
        types = [c.event_type for c in consumed_contracts()]
        store = PostgresGenerations(pool)
        load = store.loader(lambda: TopicReader(platform.kafka_bootstrap_servers, list(full_topics.values()), types))
        result = await rebuild(store, load)
        log(f"rebuilt generation {result.generation}: {result.facts} facts from {sent} events")
        figures.append(("reporting.rebuild_1m_events_s", result.seconds, "s"))
        figures += await reports(pool)
    finally:
        await pool.close()
        await admin.delete_topics([*steady_topics.values(), *full_topics.values()])
        await admin.close()
        await drop_database(platform.postgres_dsn, DATABASE)
    return figures


async def reports(pool) -> list[tuple[str, float, str]]:  # noqa: ANN001
    service = Reporting(lambda: PostgresReportingUnitOfWork(pool), load_catalogue(), TauArgus())
    command = ReportCommand(Viewer("operator", "coop-03"), "social_report", Period.year(2024), date(2025, 1, 31))
    doc = await service.report(command)
    people = next(f["total"] for f in doc["figures"] if f["indicator"] == "people_taken_in_charge_new")
    log(f"coop-03's 2024 social report as of 2025-01-31: {people} people taken in charge")
    external = ReportCommand(Viewer("operator", "coop-03"), "social_report", Period.year(2024), date(2025, 1, 31),
                             external=True)

    # A funder's report on one of coop-03's projects (its part of the events: about a tenth), suppressed as
    # whatever leaves the organisation is; the project is registered now, so the report stands as of now.
    await register_project(service, RegisterProject(Viewer("admin", "coop-03"), "P-coop-03-1", "fami", "FAMI",
                                                    "coop-03", ("coop-04",), ()))
    project = ReportCommand(Viewer("funder", "fami"), "fami_amif", Period.year(2024), None,
                            project_id="P-coop-03-1")

    async def as_xlsx() -> None:
        render_xlsx(await service.report(command))

    async def as_pdf() -> None:
        render_pdf(await service.report(command))

    return [
        ("reporting.social_report_ms", await timed(lambda: service.report(command), 5), "ms"),
        ("reporting.social_report_external_ms", await timed(lambda: service.report(external), 3), "ms"),
        ("reporting.xlsx_ms", await timed(as_xlsx, 3), "ms"),
        ("reporting.pdf_ms", await timed(as_pdf, 3), "ms"),
        ("reporting.project_report_ms", await timed(lambda: service.report(project), 3), "ms"),
    ]
