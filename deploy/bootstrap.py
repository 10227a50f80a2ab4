"""Prepare the servers for the platform: topics, one database per service, migrations.
`python -m deploy.bootstrap` (idempotent)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import asyncpg

from deploy import roles
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
    every = {s: ServiceSettings.for_service(s, http_port=p) for s, p in SERVICES.items()}
    managed = {s: c for s, c in every.items() if not c.database_url}
    if managed:
        await roles.ensure_roles(platform.postgres_dsn, list(managed), {
            s: c.database_password.get_secret_value() if c.database_password else None for s, c in managed.items()})
    dsns = {}
    for service, settings in every.items():
        database = settings.database + database_suffix
        if settings.database_url:  # a database of the operator's own: migrated as given
            applied = await migrate(settings.database_url, SERVICES_DIR / service)
            dsns[service] = settings.database_url
        else:
            applied = await _migrate_as_owner(platform, service, database)
            dsns[service] = settings.model_copy(update={"database": database}).dsn
        if applied:
            log.info("%s: applied %s", service, ", ".join(applied))
    return dsns


async def prepare_database(platform: PlatformSettings, service: str, database: str,
                           service_dir: Path | None = None) -> list[str]:
    """One service's database as `prepare` makes it (the roles, the owner's migrations, the service
    role's grants), under another name: for a benchmark's or a test's own database. `service_dir`
    for a service outside services/ (a test's probe)."""
    settings = ServiceSettings.for_service(service, http_port=SERVICES.get(service, 0))
    await roles.ensure_roles(platform.postgres_dsn, [service], {
        service: settings.database_password.get_secret_value() if settings.database_password else None})
    return await _migrate_as_owner(platform, service, database, service_dir)


async def _migrate_as_owner(platform: PlatformSettings, service: str, database: str,
                            service_dir: Path | None = None) -> list[str]:
    """Create the database if missing, give it and its objects to the owner role, migrate as the
    owner, then grant the service role what it uses (deploy/roles.py)."""
    service_dir = service_dir or SERVICES_DIR / service
    await ensure_database(platform.postgres_dsn, database)
    await roles.own_database(platform.postgres_dsn, database)
    admin_dsn = platform.database_dsn(database)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await roles.take_ownership(conn)
    finally:
        await conn.close()
    applied = await migrate(admin_dsn, service_dir, role=roles.OWNER)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(roles.grants(database, service, service_dir))
    finally:
        await conn.close()
    return applied


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[bootstrap] %(message)s", stream=sys.stderr)
    asyncio.run(prepare())


if __name__ == "__main__":
    main()
