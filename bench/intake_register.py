"""intake.register_per_s and intake.register_p99_ms: registrations through HTTP, each stored with
its outbox event, while housing, employment and reporting consume them. The four services run as
their own processes; wrk (C, from Debian's packages) is the client, with 16 requests in flight, each
a distinct person (bench/register.lua).

Why several windows and their median: on two shared cores one 15 s window moved by a third from one
run to the next (the same commit gave 264/s and 418/s minutes apart), too much to tell a change from
noise. The median of WINDOWS back-to-back windows, each of its own wrk run, shrugs off a window that a
neighbour's burst of CPU spoiled; the spread goes to stderr with each window's figures."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from deploy.bootstrap import SERVICES, prepare
from deploy.devstack import stop, wait_healthy
from shared.auth import AuthSettings, Role, issue_token
from shared.db import drop_database
from shared.settings import PlatformSettings

ROOT = Path(__file__).resolve().parent.parent
DATABASES = {s: f"percorsi_{s}_bench" for s in SERVICES}  # the benchmark's own, dropped at each run
# Below the kernel's ephemeral range (32768-60999): a client socket can never hold them when a service binds.
# PERCORSI_BENCH_PORT_OFFSET moves them, for a second bench beside the first (another work tree).
_OFFSET = int(os.environ.get("PERCORSI_BENCH_PORT_OFFSET", "0"))
PORTS = {s: 28001 + i + _OFFSET for i, s in enumerate(("intake", "housing", "employment", "reporting"))}
WARMUP_S = 3
WINDOWS = 5
WINDOW_S = 8
DURATION_S = 15  # one window of this length, for the import benchmark's register-alone reference
IN_FLIGHT = 16
LUA = Path(__file__).resolve().parent / "register.lua"
PROJECT = "FAMI-BENCH"  # the project register.lua takes people in charge in


def create_project(base_url: str, organisation_id: str) -> None:
    """Registration refuses unknown projects, so an admin of the bench organisation registers PROJECT first."""
    admin = issue_token(AuthSettings(), subject="bench-admin", role=Role.admin, organisation_id=organisation_id)
    today = date.today()
    body = {"funder": "fami", "code": PROJECT, "title": "Bench", "territories": ["RM"],
            "start_date": (today - timedelta(days=1)).isoformat(),
            "end_date": (today + timedelta(days=365)).isoformat(),
            "budget": [{"work_package": "work", "amount_eur": "1000"}]}
    response = httpx.post(f"{base_url}/api/v1/projects", json=body, headers={"Authorization": f"Bearer {admin}"})
    response.raise_for_status()


def wrk(url: str, token: str, seconds: int) -> tuple[int, float, float, int]:
    """(requests, seconds, p99 ms, errors). A Python client would spend more CPU than the server it
    measures on this 2-core machine; wrk barely shows."""
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_SEED": str(int(time.time() * 1000))}
    out = subprocess.run(
        ["wrk", "-t1", f"-c{IN_FLIGHT}", f"-d{seconds}s", "-s", str(LUA), url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, micros, p99_ms, _p50_ms, errors = line.split()[1:]
    return int(requests), int(micros) / 1e6, float(p99_ms), int(errors)


async def fresh_databases() -> None:
    """Every run starts from empty databases, so a figure does not depend on how many runs came
    before it; the run itself takes some thousands of people in charge."""
    platform = PlatformSettings()
    for database in DATABASES.values():
        await drop_database(platform.postgres_dsn, database)
    await prepare(platform)


def run() -> list[tuple[str, float, str]]:
    env = {f"PERCORSI_{s.upper()}_HTTP_PORT": str(p) for s, p in PORTS.items()}
    env |= {f"PERCORSI_{s.upper()}_DATABASE": database for s, database in DATABASES.items()}
    os.environ.update(env)
    asyncio.run(fresh_databases())
    logs = Path(tempfile.mkdtemp(prefix="percorsi-bench-"))
    procs = {
        s: subprocess.Popen([sys.executable, "-m", s], cwd=ROOT, stdout=open(logs / f"{s}.log", "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'services'}"})
        for s in SERVICES
    }
    try:
        wait_healthy(procs, timeout_s=90)
        base_url = f"http://127.0.0.1:{PORTS['intake']}"
        url = f"{base_url}/api/v1/beneficiaries"
        organisation_id = f"bench-{int(time.time())}"
        create_project(base_url, organisation_id)
        token = issue_token(AuthSettings(), subject="bench", role=Role.operator, organisation_id=organisation_id)
        wrk(url, token, WARMUP_S)
        windows = [wrk(url, token, WINDOW_S) for _ in range(WINDOWS)]
    finally:
        stop([p.pid for p in procs.values()])
    errors = sum(w[3] for w in windows)
    if errors:
        raise RuntimeError(f"{errors} registrations failed during the benchmark (logs in {logs})")
    rates = [requests / elapsed for requests, elapsed, _, _ in windows]
    p99s = [p99 for _, _, p99, _ in windows]
    each = ", ".join(f"{r:.0f}/s p99 {p:.0f} ms" for r, p in zip(rates, p99s, strict=True))
    print(f"# intake.register windows: {each}", file=sys.stderr)
    return [("intake.register_per_s", statistics.median(rates), "registrations/s"),
            ("intake.register_p99_ms", statistics.median(p99s), "ms")]
