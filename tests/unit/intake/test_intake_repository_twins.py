"""Intake's repository contracts (the core one and the caseload one) on the in-memory twins (the same
tests run on PostgreSQL in tests/integration/test_intake_repositories_postgres.py)."""

from typing import Any

import pytest

from intake.adapters.memory import InMemoryIntakeUnitOfWork
from tests.intake_caseload_contract import IntakeCaseloadContract
from tests.intake_repository_contract import IntakeRepositoryContract

pytestmark = pytest.mark.unit


class TestInMemoryIntakeRepositories(IntakeRepositoryContract):
    @pytest.fixture
    def uow(self) -> InMemoryIntakeUnitOfWork:
        return InMemoryIntakeUnitOfWork()

    async def audit(self, uow, org: str) -> list[tuple[Any, ...]]:
        return [(r["beneficiary_id"], r["action"], r["purpose"]) for r in uow.tables.pii_access_log
                if r["organisation_id"] == org]


class TestInMemoryCaseloadRepositories(IntakeCaseloadContract):
    @pytest.fixture
    def uow(self) -> InMemoryIntakeUnitOfWork:
        return InMemoryIntakeUnitOfWork()
