"""Session fixtures: real servers for integration and end-to-end tests (unit tests need none)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests import personal_data, servers

os.environ.setdefault("PERCORSI_ENV", "test")
# The test process's own telemetry stays in memory: an OTLP exporter here would outlive the
# collector a test started, and fill the end of the run with failed exports.
os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)


@dataclass(frozen=True)
class Servers:
    kafka: str
    postgres: str


@pytest.fixture(scope="session")
def _started_servers() -> Servers:
    kafka, postgres, started = servers.start()
    yield Servers(kafka, postgres)
    if started:
        servers.stop()


@pytest.fixture(scope="session")
async def real_servers(_started_servers: Servers) -> Servers:
    """The session's Kafka and PostgreSQL. Torn down after every test that used them (and the
    service processes, which depend on it) has finished, it then reads every topic on the broker
    from the start and fails the run if any name or fiscal code registered in the session is there."""
    yield _started_servers
    if personal_data.REGISTERED:
        leaks = await personal_data.on_kafka(_started_servers.kafka, personal_data.REGISTERED)
        assert not leaks, f"personal data reached Kafka (word: where): {leaks}"


@pytest.fixture(scope="session")
async def topics(real_servers: Servers) -> None:
    from shared.kafka import ensure_topics

    await ensure_topics(real_servers.kafka)
