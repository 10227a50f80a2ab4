"""Housing's repository contract on PostgreSQL: the same tests the in-memory twins pass."""

import pytest

from housing.service_layer.unit_of_work import postgres_uow
from shared.db import create_pool
from tests.databases import service_database
from tests.housing_store_contract import HousingStoreContract, MakeUoW

pytestmark = pytest.mark.integration


@pytest.fixture
async def housing_pool(real_servers):


    db = await service_database(real_servers.postgres, "housing", "hc")
    dsn = db.dsn  # the code under test connects as the service role
    pool = await create_pool(dsn, min_size=1, max_size=8)
    try:
        yield pool
    finally:
        await pool.close()
        await db.drop()


class TestPostgresHousingStore(HousingStoreContract):
    @pytest.fixture
    def make(self, housing_pool) -> MakeUoW:
        return lambda: postgres_uow(housing_pool)
