"""The set-up scripts' promises that can be checked without starting any server."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
KAFKA_VERSION = "3.9.1"


def fake_java(tmp_path: Path, version: str) -> dict[str, str]:
    """An environment whose `java` reports `version`, with Kafka's jar already in a cache."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '    java.specification.version = {version}' >&2\n")
    java.chmod(0o755)
    lib = tmp_path / "cache" / "kafka" / KAFKA_VERSION / "lib"
    lib.mkdir(parents=True)
    (lib / f"kafka_2.13-{KAFKA_VERSION}.jar").touch()
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}  # a named Kafka skips java
    return env | {"PATH": f"{bin_dir}:{os.environ['PATH']}", "PERCORSI_CACHE": str(tmp_path / "cache"),
                  "PERCORSI_POSTGRES_DSN": "postgresql://elsewhere/postgres"}


@pytest.mark.parametrize("version", ["11", "1.8"])
def test_infra_refuses_a_java_older_than_17_and_says_so(tmp_path, version):
    done = subprocess.run([ROOT / "deploy" / "infra.sh", "install"], env=fake_java(tmp_path, version),
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert f"Kafka needs Java 17 or newer, but {tmp_path}/bin/java is Java {version}" in done.stderr


@pytest.mark.parametrize("version", ["17", "21"])
def test_infra_accepts_java_17_and_newer(tmp_path, version):
    done = subprocess.run([ROOT / "deploy" / "infra.sh", "install"], env=fake_java(tmp_path, version),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_infra_env_follows_the_port_and_state_overrides(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "PERCORSI_POSTGRES_DSN")}
    env |= {"KAFKA_PORT": "39092", "PG_PORT": "59432", "PERCORSI_STATE": str(tmp_path)}
    done = subprocess.run([ROOT / "deploy" / "infra.sh", "env"], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092",
        f"PERCORSI_POSTGRES_DSN=postgresql://postgres@/postgres?host={tmp_path}/pg-socket&port=59432",
    ]


def test_devstack_down_stops_the_services_on_the_standard_library_alone(tmp_path):
    # Not this process's child (as `make up`'s services are not `make down`'s), so nothing here reaps it.
    pid = int(subprocess.run(["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True,
                             check=True).stdout)
    (tmp_path / "services.pids").write_text(str(pid))
    # -S: no site-packages, as with the machine's python3 when .venv is missing.
    subprocess.run([sys.executable, "-S", "-m", "deploy.devstack", "down"], cwd=ROOT, check=True, timeout=10,
                   env={"PATH": os.environ["PATH"], "PERCORSI_STATE": str(tmp_path)})
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (tmp_path / "services.pids").exists()


def test_make_token_defaults_to_an_operator_of_the_demo_organisation():
    env = {k: v for k, v in os.environ.items() if k not in ("ROLE", "ORG", "SUB")}
    token = subprocess.run(["make", "-s", "token"], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True).stdout.strip()
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert (claims["sub"], claims["role"], claims["org"]) == ("operator-user", "operator", "org-demo")


def test_a_second_make_up_leaves_the_running_platform_as_it_was(tmp_path):
    """`make up` while `up`'s services run says so and returns 0: it starts, migrates and stops nothing
    (it used to stop Kafka and PostgreSQL under the running services)."""
    service = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "services.pids").write_text(str(service.pid))
        env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "PERCORSI_POSTGRES_DSN")}
        done = subprocess.run([ROOT / "deploy" / "run.sh", "up"], env=env | {"PERCORSI_STATE": str(tmp_path)},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "Percorsi is already up, left as it is" in done.stdout
        assert "[infra]" not in done.stderr  # no server was started or stopped
        assert service.poll() is None
        assert sorted(p.name for p in tmp_path.iterdir()) == ["services.pids"]
    finally:
        service.kill()
        service.wait()


def test_devstack_is_up_answers_1_when_no_service_of_up_is_alive(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    (tmp_path / "services.pids").write_text(str(gone.pid))
    done = subprocess.run([sys.executable, "-S", "-m", "deploy.devstack", "is-up"], cwd=ROOT, timeout=10,
                          env={"PATH": os.environ["PATH"], "PERCORSI_STATE": str(tmp_path)}, capture_output=True)
    assert done.returncode == 1
