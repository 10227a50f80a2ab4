"""Housing's repository contract on PostgreSQL: the same tests the in-memory twins pass."""

import pytest

from housing.service_layer.unit_of_work import postgres_uow
from shared.db import create_pool, drop_database, ensure_database, migrate
from tests.housing_store_contract import HousingStoreContract, MakeUoW
from tests.integration.housing_support import HOUSING_DIR

pytestmark = pytest.mark.integration


@pytest.fixture
async def housing_pool(real_servers):
    from uuid import uuid4

    from shared.settings import PlatformSettings

    name = f"hc_{uuid4().hex[:10]}"
    await ensure_database(real_servers.postgres, name)
    dsn = PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres).database_dsn(name)
    await migrate(dsn, HOUSING_DIR)
    pool = await create_pool(dsn, min_size=1, max_size=8)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_database(real_servers.postgres, name)


class TestPostgresHousingStore(HousingStoreContract):
    @pytest.fixture
    def make(self, housing_pool) -> MakeUoW:
        return lambda: postgres_uow(housing_pool)
