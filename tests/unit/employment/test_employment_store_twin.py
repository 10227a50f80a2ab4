"""The store contract on the in-memory twins."""

import pytest

from employment.service_layer.unit_of_work import MemoryStore
from tests.employment_contract import EmploymentStoreContract
from tests.employment_support import context

pytestmark = pytest.mark.unit


class TestMemoryStore(EmploymentStoreContract):
    @pytest.fixture
    def app(self):
        return context(MemoryStore())
