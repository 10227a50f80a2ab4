"""intake.register_per_s and intake.register_p99_ms: registrations through HTTP, each stored with
its outbox event, while housing, employment and reporting consume them. The four services run as
their own processes; this process is the client (a fixed number of requests in flight)."""

from __future__ import annotations

import asyncio
import os
import random
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

ROOT = Path(__file__).resolve().parent.parent
PORTS = {"intake": 38001, "housing": 38002, "employment": 38003, "reporting": 38004}
WARMUP = 200
REQUESTS = 3000
IN_FLIGHT = 16
NAMES = ["Amina", "Abdi", "Hodan", "Yonas", "Fatou", "Ibrahim", "Mariam", "Samuel", "Awa", "Tesfay"]
SURNAMES = ["Diallo", "Farah", "Tesfaye", "Camara", "Haile", "Bangura", "Okafor", "Traore", "Kebede"]


def _letters(i: int) -> str:
    """A distinct name word per request (names lose digits when normalised)."""
    word = ""
    while True:
        i, r = divmod(i, 26)
        word = chr(ord("a") + r) + word
        if i == 0:
            return word.capitalize()


def body(rng: random.Random, i: int) -> dict:
    birth = date(1975, 1, 1) + timedelta(days=rng.randrange(30 * 365))
    return {
        "first_name": rng.choice(NAMES), "last_name": f"{rng.choice(SURNAMES)} {_letters(i)}", "sex": rng.choice("FM"),
        "birth_date": birth.isoformat(), "birth_country": "ER", "citizenship": "ER",
        "legal_status": rng.choice(["refugee", "subsidiary_protection", "asylum_seeker"]),
        "reception": {"kind": "cas"}, "household": {"size": 1, "children": [], "single_parent": False},
        "italian_level": rng.choice(["A0", "A1", "A2"]), "languages": ["ti", "en"],
        "consent": {"given": True, "date": date.today().isoformat(), "scope": ["processing"]},
        "project_ids": ["FAMI-BENCH"],
    }


async def load(url: str, headers: dict, n: int, seed: int) -> tuple[float, list[float]]:
    rng = random.Random(seed)
    bodies = [body(rng, seed * 1_000_000 + i) for i in range(n)]
    latencies: list[float] = []
    queue = iter(bodies)
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for b in queue:
                t = time.perf_counter()
                response = await client.post(url, json=b)
                latencies.append(time.perf_counter() - t)
                if response.status_code != 201:
                    raise RuntimeError(f"registration failed: {response.status_code} {response.text[:200]}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return time.perf_counter() - start, latencies


def run() -> list[tuple[str, float, str]]:
    env = {f"PERCORSI_{s.upper()}_HTTP_PORT": str(p) for s, p in PORTS.items()}
    env |= {f"PERCORSI_{s.upper()}_DATABASE": f"percorsi_{s}_bench" for s in SERVICES}
    os.environ.update(env)
    asyncio.run(prepare())
    logs = Path(tempfile.mkdtemp(prefix="percorsi-bench-"))
    procs = {
        s: subprocess.Popen([sys.executable, "-m", s], cwd=ROOT, stdout=open(logs / f"{s}.log", "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'services'}"})
        for s in SERVICES
    }
    try:
        wait_healthy(procs, timeout_s=90)
        url = f"http://127.0.0.1:{PORTS['intake']}/api/v1/beneficiaries"
        org = f"bench-{int(time.time())}"
        headers = {"Authorization": "Bearer " + issue_token(AuthSettings(), subject="bench", role=Role.operator,
                                                             organisation_id=org)}
        asyncio.run(load(url, headers, WARMUP, seed=1))
        elapsed, latencies = asyncio.run(load(url, headers, REQUESTS, seed=2))
    finally:
        stop([p.pid for p in procs.values()])
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return [("intake.register_per_s", REQUESTS / elapsed, "registrations/s"), ("intake.register_p99_ms", p99, "ms")]
