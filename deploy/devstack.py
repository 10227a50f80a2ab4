"""Run the four services against the local servers.

    python -m deploy.devstack run    # foreground until Ctrl-C, which stops what it started
    python -m deploy.devstack up     # background; returns once every service answers healthy
    python -m deploy.devstack down   # stops what `up` started
    python -m deploy.devstack is-up  # exit 0, saying so, when `up`'s services are running; else 1
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from deploy.services import SERVICES

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("PERCORSI_STATE", ROOT / ".data"))
PIDS = STATE / "services.pids"


def _port(service: str) -> int:
    return int(os.environ.get(f"PERCORSI_{service.upper()}_HTTP_PORT", SERVICES[service]))


def start_services(*, log_dir: Path | None) -> dict[str, subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'services'}"}
    procs = {}
    for service in SERVICES:
        out = open(log_dir / f"{service}.log", "ab") if log_dir else None  # noqa: SIM115
        procs[service] = subprocess.Popen(
            [sys.executable, "-m", service], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if out else None,
            start_new_session=True,  # Ctrl-C reaches this supervisor only, which stops them in order
        )
    return procs


def wait_healthy(procs: dict[str, subprocess.Popen], timeout_s: float = 60,
                 ports: dict[str, int] | None = None) -> None:
    """Return once each service answers /health with 200 (on `ports`, else its configured port)."""
    import httpx  # here, not at the top: `down` runs without .venv, on the standard library alone

    ports = ports or {s: _port(s) for s in procs}
    deadline = time.monotonic() + timeout_s
    pending = set(procs)
    while pending:
        for service in sorted(pending):
            if procs[service].poll() is not None:
                raise SystemExit(f"{service} exited with {procs[service].returncode}; see its log")
            try:
                if httpx.get(f"http://127.0.0.1:{ports[service]}/health", timeout=2).status_code == 200:
                    pending.discard(service)
            except httpx.HTTPError:
                pass
        if time.monotonic() > deadline:
            raise SystemExit(f"not healthy within {timeout_s:.0f} s: {', '.join(sorted(pending))}")
        time.sleep(0.3)


def stop(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 15
    for pid in pids:
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of ours counts as gone once reaped
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def running() -> list[int]:
    """The pids `up` wrote that are still alive."""
    if not PIDS.exists():
        return []
    return [pid for pid in map(int, PIDS.read_text().split()) if _alive(pid)]


def _urls() -> str:
    return "\n".join(
        f"  {s:<11} http://127.0.0.1:{_port(s)}  (docs: /docs, events: /asyncapi.json, health: /health)"
        for s in SERVICES
    )


def main(command: str) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    if command == "run":
        # Explicit handlers: a shell that starts us in the background leaves SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        procs = start_services(log_dir=None)
        try:
            wait_healthy(procs)
            print(f"Percorsi is running (Ctrl-C stops it):\n{_urls()}", flush=True)
            while all(p.poll() is None for p in procs.values()):
                time.sleep(0.5)
            print("a service exited; stopping the others", file=sys.stderr)
        except KeyboardInterrupt:
            pass
        finally:
            stop([p.pid for p in procs.values()])
    elif command == "is-up":
        if not running():
            raise SystemExit(1)
        print(f"Percorsi is already up, left as it is (`make down` stops it):\n{_urls()}")
    elif command == "up":
        if running():
            print(f"Percorsi is already up, left as it is (`make down` stops it):\n{_urls()}")
            return
        logs = STATE / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        procs = start_services(log_dir=logs)
        PIDS.write_text(" ".join(str(p.pid) for p in procs.values()))
        try:
            wait_healthy(procs)
        except SystemExit:
            stop([p.pid for p in procs.values()])
            PIDS.unlink(missing_ok=True)
            raise
        print(f"Percorsi is up (logs in {logs}):\n{_urls()}")
    elif command == "down":
        if PIDS.exists():
            stop([int(p) for p in PIDS.read_text().split()])
            PIDS.unlink()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
