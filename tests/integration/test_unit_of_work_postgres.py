"""The unit-of-work contract on PostgreSQL: the outbox rows are the published events."""

import pytest

from tests.uow_contract import Store, UnitOfWorkContract, postgres_store

pytestmark = pytest.mark.integration


class TestPostgresUnitOfWork(UnitOfWorkContract):
    @pytest.fixture
    def store(self, probe_db) -> Store:
        _, pool = probe_db
        return postgres_store(pool)
