"""Schemathesis against every operation of every service, with an admin's and an operator's token:
the suite's fuzz stage (tests/e2e/test_fuzz.py) and `make fuzz` (a longer run on `make up`'s
services). Counts: requests sent, server errors, schema violations, every failing check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance")


def run_one(url: str, token: str, *, max_examples: int, report: Path, seed: int = 12) -> dict:
    """One `st run` on one service's document with one token; returns its parsed JSON report."""
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / "st"), "run", f"{url}/openapi.json", "--checks", ",".join(CHECKS),
           "--header", f"Authorization: Bearer {token}", "--max-examples", str(max_examples),
           "--phases", "examples,coverage,fuzzing", "--seed", str(seed), "--workers", "1", "--no-shrink",
           "--request-timeout", "15", "--suppress-health-check", "all", "--report", "json",
           "--report-json-path", str(report), "--warnings", "off"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    (report.with_suffix(".txt")).write_text(done.stdout + done.stderr)
    return json.loads(report.read_text())


def summarise(reports: dict[str, dict]) -> dict:
    """Totals over the runs: operations tested, test cases generated, failures by kind (with where)."""
    totals: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for name, report in reports.items():
        totals["runs"] += 1
        totals["operations"] += (report.get("operations") or {}).get("tested", 0)
        cases = report.get("test_cases") or {}
        totals["test_cases"] += cases.get("generated", 0)
        totals["errored"] += cases.get("errored", 0) + len(report.get("errors") or [])
        for failure in report.get("failures") or []:
            failures[failure["title"]] += failure.get("count", 1)
            where.setdefault(failure["title"], []).append(f"{name}: {', '.join(failure.get('operations', []))}")
    totals["server_errors"] = failures.get("Server error", 0)
    totals["schema_violations"] = sum(n for title, n in failures.items() if "schema" in title.lower())
    return {"totals": dict(totals), "failures": dict(failures), "where": where}
