"""intake.import_rows_per_s, intake.import_to_register_ratio, intake.import_peak_rss_mib.

In one run, on fresh benchmark databases, with the four services as their own processes:
registrations over HTTP as bench/intake_register.py measures them (wrk, 16 in flight, 15 s after a
3 s warm-up), then a 20,000-row people file (CSV) through POST /api/v1/imports/people, timed from
the upload to the answer: every row checked, sealed and stored with its event in one transaction.
The ratio is the import's rate over the registrations'. Then a 100,000-row XLSX file, the heavier
format to parse, and the intake process's peak resident memory (VmHWM from /proc, the high-water
mark of the whole process life: registrations and both imports included)."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from openpyxl import Workbook

from bench.intake_register import DURATION_S, PORTS, PROJECT, ROOT, WARMUP_S, create_project, fresh_databases, wrk
from deploy.bootstrap import SERVICES
from deploy.devstack import stop, wait_healthy
from shared.auth import AuthSettings, Role, issue_token

RATE_ROWS = 20_000
RSS_ROWS = 100_000
HEADER = ["reference", "first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship",
          "legal_status", "reception", "household_size", "italian_level", "languages", "consent_date",
          "consent_scope", "project_ids"]
FIRST = ["Amina", "Yonas", "Fatou", "Omar", "Grace", "Awet", "Samira", "Idris", "Leyla", "Musa"]


def _letters(i: int) -> str:
    word = ""
    while True:
        i, r = divmod(i, 26)
        word = chr(97 + r) + word
        if i == 0:
            return word


def _row(prefix: str, n: int) -> list[str]:
    """A distinct person: no two rows (of either file: the prefix is in the name) share a name, birth
    date and country."""
    birth = date(1960, 1, 1) + timedelta(days=n % 15_000)
    return [f"{prefix}-{n}", FIRST[n % 10], f"Diallo {prefix[0]}{_letters(n)}", "F" if n % 2 else "M",
            birth.isoformat(), "ER", "ER", "refugee", "cas", "1", "A1", "ti", date.today().isoformat(),
            "processing", PROJECT]


def people_csv(path: Path, prefix: str, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(_row(prefix, n) for n in range(rows))


def people_xlsx(path: Path, prefix: str, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(_row(prefix, n))
    book.save(path)


def upload(base_url: str, token: str, path: Path) -> tuple[float, dict]:
    """(seconds from upload to answer, the answer)."""
    with path.open("rb") as f:
        start = time.perf_counter()
        response = httpx.post(f"{base_url}/api/v1/imports/people", headers={"Authorization": f"Bearer {token}"},
                              files={"file": (path.name, f)}, timeout=900)
        elapsed = time.perf_counter() - start
    if response.status_code != 201:
        raise RuntimeError(f"import answered {response.status_code}: {response.text[:500]}")
    body = response.json()
    if body["new"] != body["rows"]:
        raise RuntimeError(f"import stored {body['new']} of {body['rows']} rows")
    return elapsed, body


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def run() -> list[tuple[str, float, str]]:
    env = {f"PERCORSI_{s.upper()}_HTTP_PORT": str(p) for s, p in PORTS.items()}
    env |= {f"PERCORSI_{s.upper()}_DATABASE": f"percorsi_{s}_bench" for s in SERVICES}
    os.environ.update(env)
    asyncio.run(fresh_databases())
    work = Path(tempfile.mkdtemp(prefix="percorsi-bench-import-"))
    stamp = int(time.time())
    people_csv(work / "people-20k.csv", f"R{stamp}", RATE_ROWS)
    people_xlsx(work / "people-100k.xlsx", f"M{stamp}", RSS_ROWS)
    procs = {
        s: subprocess.Popen([sys.executable, "-m", s], cwd=ROOT, stdout=open(work / f"{s}.log", "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'services'}"})
        for s in SERVICES
    }
    try:
        wait_healthy(procs, timeout_s=90)
        base_url = f"http://127.0.0.1:{PORTS['intake']}"
        organisation_id = f"bench-import-{stamp}"
        create_project(base_url, organisation_id)
        operator = issue_token(AuthSettings(), subject="bench", role=Role.operator, organisation_id=organisation_id)
        admin = issue_token(AuthSettings(), subject="bench-admin", role=Role.admin, organisation_id=organisation_id)
        url = f"{base_url}/api/v1/beneficiaries"
        wrk(url, operator, WARMUP_S)
        requests, seconds, _p99, errors = wrk(url, operator, DURATION_S)
        if errors:
            raise RuntimeError(f"{errors} registrations failed (logs in {work})")
        register_per_s = requests / seconds
        elapsed, _ = upload(base_url, admin, work / "people-20k.csv")
        rows_per_s = RATE_ROWS / elapsed
        upload(base_url, admin, work / "people-100k.xlsx")
        rss = peak_rss_mib(procs["intake"].pid)
    finally:
        stop([p.pid for p in procs.values()])
    for name in ("people-20k.csv", "people-100k.xlsx"):
        (work / name).unlink()
    return [
        ("intake.import_rows_per_s", rows_per_s, "rows/s"),
        ("intake.import_register_per_s", register_per_s, "registrations/s"),
        ("intake.import_to_register_ratio", rows_per_s / register_per_s, "x"),
        ("intake.import_peak_rss_mib", rss, "MiB"),
    ]
