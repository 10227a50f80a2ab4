"""The front door from a folder Debian's `postgres` user cannot traverse (root's home is drwx------):
as root the cluster lives in a folder of that user's own, reached through `<state>/pg-socket`, and
`clean` removes it with the state."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import asyncpg
import pytest

from tests import servers

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="the postgres user is only involved when running as root"),
]
ROOT = Path(__file__).resolve().parents[2]
PG_PORT = str(25440 + servers.PORT_OFFSET)  # beside the session's own cluster


def infra(command: str, state: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PERCORSI_POSTGRES_DSN"}
    env |= {"PERCORSI_STATE": str(state), "PG_PORT": PG_PORT, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    done = subprocess.run([ROOT / "deploy" / "infra.sh", command], env=env, capture_output=True, text=True,
                          timeout=120, check=True, cwd=state.parent.parent)  # run from the home folder
    assert "Permission denied" not in done.stderr
    return done


async def test_postgres_starts_from_a_folder_the_postgres_user_cannot_traverse_and_clean_removes_all(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    state = home / "percorsi" / ".data"
    assert subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(home)]).returncode == 1
    cluster = Path("/var/lib/percorsi") / hashlib.sha256(str(state).encode()).hexdigest()[:16]
    state.mkdir(parents=True)
    try:
        infra("start", state)
        dsn = dict(line.split("=", 1) for line in infra("env", state).stdout.splitlines())["PERCORSI_POSTGRES_DSN"]
        assert f"host={state}/pg-socket&" in dsn
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT current_setting('data_directory')") == str(cluster / "data")
        finally:
            await conn.close()
        assert (cluster / "state-path").read_text().strip() == str(state)
        assert "postgres: running" in infra("status", state).stdout
        infra("start", state)  # a second start leaves the running cluster alone
    finally:
        infra("clean", state)
    assert not cluster.exists()
    assert not state.exists()
