import pytest

from tests.integration.reporting_support import ReportingDatabase
from tests.reporting_store_contract import ReportingStoreContract

pytestmark = pytest.mark.integration


class TestPostgresStores(ReportingStoreContract):
    @pytest.fixture
    async def make(self, real_servers):
        async with ReportingDatabase(real_servers) as db:
            yield db.uow
