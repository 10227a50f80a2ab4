"""Prepare the servers for the platform: topics, one database per service, migrations.
`python -m deploy.bootstrap` (idempotent)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from deploy.services import SERVICES
from shared.db import ensure_database, migrate
from shared.kafka import ensure_topics
from shared.settings import PlatformSettings, ServiceSettings

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"

log = logging.getLogger("bootstrap")


async def prepare(platform: PlatformSettings | None = None, *, database_suffix: str = "") -> dict[str, str]:
    """Create topics and databases, apply migrations; returns each service's DSN."""
    platform = platform or PlatformSettings()
    created = await ensure_topics(platform.kafka_bootstrap_servers)
    if created:
        log.info("topics created: %s", ", ".join(created))
    dsns = {}
    for service, port in SERVICES.items():
        settings = ServiceSettings.for_service(service, http_port=port)
        database = settings.database + database_suffix
        dsn = settings.database_url or platform.database_dsn(database)
        if not settings.database_url:
            await ensure_database(platform.postgres_dsn, database)
        applied = await migrate(dsn, SERVICES_DIR / service)
        if applied:
            log.info("%s: applied %s", service, ", ".join(applied))
        dsns[service] = dsn
    return dsns


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[bootstrap] %(message)s", stream=sys.stderr)
    asyncio.run(prepare())


if __name__ == "__main__":
    main()
