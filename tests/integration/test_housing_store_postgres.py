"""Housing's repository contract on PostgreSQL: the same tests the in-memory twins pass."""

from uuid import uuid4

import asyncpg
import pytest

from deploy.bootstrap import prepare_database
from housing.service_layer.unit_of_work import postgres_uow
from shared.db import create_pool
from shared.settings import PlatformSettings
from tests.databases import service_database
from tests.housing_store_contract import HousingStoreContract, MakeUoW
from tests.integration.housing_support import HOUSING_DIR

pytestmark = pytest.mark.integration
MOTHER, MINOR, FATHER = uuid4(), uuid4(), uuid4()


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


async def test_households_from_before_single_parent_keep_their_vulnerability_and_areas(real_servers, tmp_path):
    """Migrations 0006 and 0007 on a database at 0005: a household vulnerable with children and an age band
    that is not vulnerable by itself was a single parent; a vulnerable minor and a household that was not are
    not. Each keeps its areas, taken as the ones it accepted (its home province unknown)."""
    old = tmp_path / "housing" / "migrations"
    old.mkdir(parents=True)
    for sql in sorted((HOUSING_DIR / "migrations").glob("*.sql")):
        if sql.name < "0006":
            (old / sql.name).write_text(sql.read_text())
    db = await service_database(real_servers.postgres, "housing", "hc_mig", old.parent)
    try:
        admin = await asyncpg.connect(db.admin_dsn)
        try:
            for bid, children, age_band, vulnerable in [(MOTHER, 1, "25_34", True), (MINOR, 1, "under_18", True),
                                                        (FATHER, 2, "35_44", False)]:
                await admin.execute(
                    "INSERT INTO households (beneficiary_id, organisation_id, waiting_since, size, children, sex, "
                    "age_band, vulnerable, areas) VALUES ($1, 'coop-a', '2026-01-10', $2 + 1, $2, 'F', $3, $4, "
                    "'{RM,LT}')",
                    bid, children, age_band, vulnerable)
        finally:
            await admin.close()
        applied = await prepare_database(PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres), "housing",
                                         db.name)
        assert applied == ["housing/0006_households_single_parent.sql", "housing/0007_households_area_sources.sql",
                           "housing/0008_households_path_closed.sql", "housing/0009_households_reception_leave_by.sql"]
        pool = await create_pool(db.dsn, min_size=1, max_size=2)
        try:
            async with postgres_uow(pool) as uow:
                got = {b: await uow.households.get(b) for b in (MOTHER, MINOR, FATHER)}
        finally:
            await pool.close()
        assert {b: (h.single_parent, h.vulnerable) for b, h in got.items() if h} == {
            MOTHER: (True, True), MINOR: (False, True), FATHER: (False, False)}
        assert {(h.areas, h.accepted_areas, h.home_area, h.path_closed, h.reception_leave_by)
                for h in got.values() if h} == {(frozenset({"RM", "LT"}), frozenset({"RM", "LT"}), None, False, None)}
    finally:
        await db.drop()
