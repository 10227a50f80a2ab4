"""`make bench`: one line per figure, `name value unit`, measured on this machine now.

Runs against the servers of `make run` (started here if they are not running, stopped again after)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _servers(command: str) -> None:
    if not (os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("PERCORSI_POSTGRES_DSN")):
        subprocess.run([str(ROOT / "deploy" / "infra.sh"), command], check=True, stdout=sys.stderr)


def _running() -> bool:
    out = subprocess.run([str(ROOT / "deploy" / "infra.sh"), "status"], capture_output=True, text=True).stdout
    return "kafka: running" in out and "postgres: running" in out


def main() -> None:
    from bench import backbone, intake_register

    started = not _running()
    _servers("start")
    try:
        figures = asyncio.run(backbone.run())
        figures += intake_register.run()
    finally:
        if started:
            _servers("stop")
    for name, value, unit in figures:
        print(f"{name} {value:.2f} {unit}", flush=True)


if __name__ == "__main__":
    main()
