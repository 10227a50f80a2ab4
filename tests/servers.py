"""The real Kafka and PostgreSQL a test session runs on: started by deploy/infra.sh in a
project-local folder on ports of their own, unless the environment names servers already."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".test-data"
# PERCORSI_TEST_PORT_OFFSET moves every port a test session opens, so two sessions (two work trees)
# can run side by side on one machine.
PORT_OFFSET = int(os.environ.get("PERCORSI_TEST_PORT_OFFSET", "0"))
TEST_PORTS = {name: str(port + PORT_OFFSET)
              for name, port in {"KAFKA_PORT": 29092, "KAFKA_CONTROLLER_PORT": 29093, "PG_PORT": 25432}.items()}


def _infra(command: str) -> None:
    env = {**os.environ, **TEST_PORTS, "PERCORSI_STATE": str(STATE)}
    if command in {"stop-postgres", "start-postgres", "stop-kafka", "start-kafka"}:
        # The session's own servers, which start() named in the environment for everyone else.
        env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        env.pop("PERCORSI_POSTGRES_DSN", None)
    subprocess.run([str(ROOT / "deploy" / "infra.sh"), command], check=True, env=env)


def start() -> tuple[str, str, bool]:
    """(bootstrap servers, server DSN, whether this session started them)."""
    external_kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    external_pg = os.environ.get("PERCORSI_POSTGRES_DSN")
    started = not (external_kafka and external_pg)
    if started:
        _infra("clean")  # stops what a session killed earlier may have left, and removes its state
        _infra("start")
    kafka = external_kafka or f"127.0.0.1:{TEST_PORTS['KAFKA_PORT']}"
    pg = external_pg or f"postgresql://postgres@/postgres?host={STATE / 'pg-socket'}&port={TEST_PORTS['PG_PORT']}"
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = kafka
    os.environ["PERCORSI_POSTGRES_DSN"] = pg
    return kafka, pg, started


def stop() -> None:
    _infra("stop")


def stop_postgres() -> None:
    """The session's PostgreSQL alone (fault tests); start_postgres brings it back on its data."""
    _infra("stop-postgres")


def start_postgres() -> None:
    _infra("start-postgres")


def stop_kafka() -> None:
    _infra("stop-kafka")


def start_kafka() -> None:
    _infra("start-kafka")
