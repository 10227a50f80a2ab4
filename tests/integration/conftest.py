from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from shared.db import create_pool, drop_database, ensure_database, migrate

PROBE_SERVICE = Path(__file__).parent / "probe_service"


@pytest.fixture
async def probe_db(real_servers, topics):
    """A fresh database with the plumbing tables and the probe's `effects` table."""
    from shared.settings import PlatformSettings

    name = f"it_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    await migrate(dsn, PROBE_SERVICE)
    pool = await create_pool(dsn, min_size=1, max_size=8)
    try:
        yield dsn, pool
    finally:
        await pool.close()
        await drop_database(real_servers.postgres, name)
