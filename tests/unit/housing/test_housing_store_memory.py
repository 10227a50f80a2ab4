"""Housing's repository contract on the in-memory twins (the same tests run on PostgreSQL in
tests/integration/test_housing_store_postgres.py)."""

import pytest

from housing.service_layer.unit_of_work import InMemoryHousingUnitOfWork
from tests.housing_store_contract import HousingStoreContract, MakeUoW

pytestmark = pytest.mark.unit


class TestMemoryHousingStore(HousingStoreContract):
    @pytest.fixture
    def make(self) -> MakeUoW:
        uow = InMemoryHousingUnitOfWork()
        return lambda: uow
