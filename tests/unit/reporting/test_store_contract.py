import pytest

from reporting.service_layer.unit_of_work import InMemoryReportingUnitOfWork
from tests.reporting_store_contract import ReportingStoreContract

pytestmark = pytest.mark.unit


class TestInMemoryStores(ReportingStoreContract):
    @pytest.fixture
    def make(self):
        uow = InMemoryReportingUnitOfWork()
        return lambda: uow
