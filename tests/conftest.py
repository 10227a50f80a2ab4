"""Session fixtures: real servers for integration and end-to-end tests (unit tests need none)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests import servers

os.environ.setdefault("PERCORSI_ENV", "test")


@dataclass(frozen=True)
class Servers:
    kafka: str
    postgres: str


@pytest.fixture(scope="session")
def real_servers() -> Servers:
    kafka, postgres, started = servers.start()
    yield Servers(kafka, postgres)
    if started:
        servers.stop()


@pytest.fixture(scope="session")
async def topics(real_servers: Servers) -> None:
    from shared.kafka import ensure_topics

    await ensure_topics(real_servers.kafka)
