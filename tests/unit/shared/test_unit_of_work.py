"""The unit-of-work contract on the in-memory twin (the same tests run on PostgreSQL in
tests/integration/test_unit_of_work_postgres.py)."""

import pytest

from tests.uow_contract import Store, UnitOfWorkContract, memory_store

pytestmark = pytest.mark.unit


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    @pytest.fixture
    def store(self) -> Store:
        return memory_store()
