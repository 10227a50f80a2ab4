"""Test databases made as deployed (deploy/bootstrap.py, deploy/roles.py): the owner role runs the
migrations, and the code under test connects as the service's own role, with only its grants, so a
privilege the service lacks fails in the suite as it would in production. A test that must inspect
or sabotage the database beyond what the service may do uses `admin_dsn`, named so on purpose."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from deploy.bootstrap import prepare_database
from shared.db import drop_database
from shared.settings import PlatformSettings, ServiceSettings


@dataclass(frozen=True)
class ServiceDatabase:
    name: str
    dsn: str  # as the service's role: what the service's code connects with
    admin_dsn: str  # the server's administrative user: a test's inspection or sabotage, never the service's code
    server_dsn: str

    async def drop(self) -> None:
        await drop_database(self.server_dsn, self.name)


async def service_database(server_dsn: str, service: str, prefix: str,
                           service_dir: Path | None = None) -> ServiceDatabase:
    """A fresh database `<prefix>_<random>` for `service`, migrated as the owner, granted as deployed."""
    name = f"{prefix}_{uuid4().hex[:10]}"
    platform = PlatformSettings(PERCORSI_POSTGRES_DSN=server_dsn)
    await prepare_database(platform, service, name, service_dir)
    dsn = ServiceSettings.for_service(service, http_port=0, PERCORSI_POSTGRES_DSN=server_dsn, database=name).dsn
    return ServiceDatabase(name, dsn, platform.database_dsn(name), server_dsn)
