"""The four services as real processes on the session's Kafka and PostgreSQL, over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from deploy.bootstrap import SERVICES, prepare
from deploy.devstack import stop, wait_healthy
from shared.auth import AuthSettings, Role, issue_token
from tests import personal_data, servers
from tests.e2e.otlp_collector import Collector
from tests.keys import add_idempotency_key

HOOKS = {"request": [personal_data.note_request, add_idempotency_key]}

ROOT = Path(__file__).resolve().parents[2]
E2E_PORTS = {s: p + servers.PORT_OFFSET
             for s, p in {"intake": 18001, "housing": 18002, "employment": 18003, "reporting": 18004}.items()}


LOGS: dict[str, Path] = {}  # each service process's log file, once the services fixture started them


@pytest.fixture(scope="session")
def collector():
    """Where the services export their spans and metrics over OTLP during the e2e session."""
    running = Collector()
    yield running
    running.close()


@pytest.fixture(scope="session")
async def services(real_servers, tmp_path_factory, collector):
    env = {f"PERCORSI_{s.upper()}_HTTP_PORT": str(p) for s, p in E2E_PORTS.items()}
    env |= {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200",
            "OTEL_METRIC_EXPORT_INTERVAL": "1000"}
    env |= {f"PERCORSI_{s.upper()}_DATABASE": f"percorsi_{s}_e2e" for s in SERVICES}
    with environment(env):  # the services' databases, for prepare(); nothing in this process after it
        await prepare()
    logs = tmp_path_factory.mktemp("service-logs")
    LOGS.update({s: logs / f"{s}.log" for s in SERVICES})
    procs = {}
    for service in SERVICES:
        procs[service] = subprocess.Popen(
            [sys.executable, "-m", service], cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": f"{ROOT}:{ROOT / 'services'}"},
            stdout=open(logs / f"{service}.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
    try:
        wait_healthy(procs, timeout_s=150, ports=E2E_PORTS)  # four starts at once on two busy cores
        yield {s: f"http://127.0.0.1:{p}" for s, p in E2E_PORTS.items()}
    finally:
        stop([p.pid for p in procs.values()])
        for service in SERVICES:
            log = (logs / f"{service}.log").read_text(errors="replace")
            sys.stderr.write(f"--- {service} log tail ---\n{log[-1500:]}\n")


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` set, as it was again afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def token(role: Role, org: str = "coop-a", sub: str = "op-1") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(AuthSettings(), subject=sub, role=role, organisation_id=org)}"}


@pytest.fixture(scope="session")
def registered_personal_data() -> list[str]:
    """Every name and fiscal code registered in the session: none may appear on any topic."""
    return personal_data.REGISTERED


@pytest.fixture
async def http():
    async with httpx.AsyncClient(timeout=60, event_hooks=HOOKS) as client:
        yield client
