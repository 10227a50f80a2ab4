"""`make bench`: one line per figure, `name value unit`, measured on this machine now.
`make bench ONLY=<group>[,<group>]` runs some groups alone (names in GROUPS).

Runs against the servers of `make run` (started here if they are not running, stopped again after)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _servers(command: str) -> None:
    if not (os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("PERCORSI_POSTGRES_DSN")):
        subprocess.run([str(ROOT / "deploy" / "infra.sh"), command], check=True, stdout=sys.stderr)


def _use_local_servers() -> None:
    """Point the benchmark (and the services it starts) at the local servers `infra.sh` runs, on the
    ports KAFKA_PORT and PG_PORT chose, unless the caller named servers of its own."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("PERCORSI_POSTGRES_DSN"):
        return
    out = subprocess.run([str(ROOT / "deploy" / "infra.sh"), "env"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep and name in ("KAFKA_BOOTSTRAP_SERVERS", "PERCORSI_POSTGRES_DSN"):
            os.environ.setdefault(name, value)


def _running() -> bool:
    out = subprocess.run([str(ROOT / "deploy" / "infra.sh"), "status"], capture_output=True, text=True).stdout
    return "kafka: running" in out and "postgres: running" in out


Figures = list[tuple[str, float, str]]


def _backbone() -> Figures:
    from bench import backbone

    return asyncio.run(backbone.run())


def _intake() -> Figures:
    from bench import intake_register

    return intake_register.run()


def _hardening() -> Figures:
    from bench import request_limits

    return request_limits.run()


def _housing() -> Figures:
    from bench import housing

    return housing.run()


def _employment() -> Figures:
    from bench import employment

    return employment.run()


def _reporting() -> Figures:
    from bench import reporting

    return asyncio.run(reporting.run())


# Each group measures one issue's figures; it imports its own code only when it runs.
def _intake_import() -> Figures:
    from bench import intake_import

    return intake_import.run()


GROUPS: dict[str, Callable[[], Figures]] = {
    "backbone": _backbone,
    "intake": _intake,
    "hardening": _hardening,
    "housing": _housing,
    "employment": _employment,
    "reporting": _reporting,
    "intake_import": _intake_import,
}


def _chosen() -> list[str]:
    only = [g.strip() for g in os.environ.get("ONLY", "").split(",") if g.strip()]
    unknown = [g for g in only if g not in GROUPS]
    if unknown:
        sys.exit(f"unknown bench group(s): {', '.join(unknown)}; known: {', '.join(GROUPS)}")
    return only or list(GROUPS)


# Groups that measure the running platform (Kafka and PostgreSQL); the others (housing's matcher) need none.
NEEDS_SERVERS = {"backbone", "intake", "intake_import", "reporting"}


def main() -> None:
    groups = _chosen()
    if not NEEDS_SERVERS & set(groups):
        for group in groups:
            for name, value, unit in GROUPS[group]():
                print(f"{name} {value:.2f} {unit}", flush=True)
        return
    started = not _running()
    _servers("start")
    stop_after = started and not os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    _use_local_servers()
    try:
        for group in groups:
            for name, value, unit in GROUPS[group]():
                print(f"{name} {value:.2f} {unit}", flush=True)
    finally:
        if stop_after:
            subprocess.run([str(ROOT / "deploy" / "infra.sh"), "stop"], check=True, stdout=sys.stderr)


if __name__ == "__main__":
    main()
