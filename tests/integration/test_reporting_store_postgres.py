import asyncpg
import pytest

from deploy.bootstrap import prepare_database
from reporting.adapters.postgres import PostgresProjects
from reporting.domain.access import ProjectInfo
from shared.settings import PlatformSettings
from tests.databases import service_database
from tests.integration.reporting_support import REPORTING, ReportingDatabase
from tests.reporting_store_contract import ReportingStoreContract

pytestmark = pytest.mark.integration


def migrations_before(tmp_path, first_missing: str):  # noqa: ANN001
    """Reporting's migrations as they were before `first_missing`, under the service's name (its
    privileges.sql is the caller's to write: each version granted what its tables needed)."""
    old = tmp_path / "reporting"
    (old / "migrations").mkdir(parents=True)
    for sql in sorted((REPORTING / "migrations").glob("*.sql")):
        if sql.name < first_missing:
            (old / "migrations" / sql.name).write_text(sql.read_text())
    return old


class TestPostgresStores(ReportingStoreContract):
    @pytest.fixture
    async def make(self, real_servers):
        async with ReportingDatabase(real_servers) as db:
            yield db.uow


async def test_budgets_registered_before_versions_become_version_1(real_servers, tmp_path):
    """Migration 0006 on a database at 0005 with budgets in it: each project's lines become its version
    1, exactly, a project PUT without lines gets an empty version 1, and nothing is lost."""
    old = migrations_before(tmp_path, "0006")
    (old / "privileges.sql").write_text(
        "GRANT EXECUTE ON FUNCTION create_fact_generation(integer), index_fact_generation(integer),\n"
        "    drop_fact_generation(integer) TO :role;\n")
    db = await service_database(real_servers.postgres, "reporting", "it_rep_mig", old)
    try:
        admin = await asyncpg.connect(db.admin_dsn)
        try:
            await admin.execute("INSERT INTO projects (project_id, funder, lead_organisation_id, title) VALUES "
                                "('P1', 'fami', 'coop-a', 't'), ('P2', 'fami', 'coop-b', 'u')")
            await admin.execute("INSERT INTO project_budget_lines VALUES ('P1', 'work', 'staff', 1200.50), "
                                "('P1', 'housing', 'rent_advances', 300)")
            before = await admin.fetchval("SELECT now()")
        finally:
            await admin.close()
        applied = await prepare_database(PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres), "reporting",
                                         db.name)
        assert applied == ["reporting/0006_budget_versions.sql", "reporting/0007_project_role_versions.sql",
                           "reporting/0008_women_inactive.sql"]
        conn = await asyncpg.connect(db.dsn)
        try:
            projects = PostgresProjects(conn)
            [p1] = await projects.budgets("P1")
            [p2] = await projects.budgets("P2")
            assert p1.version == 1 and p1.recorded_at >= before
            assert [(b.work_package, b.budget_line, str(b.amount_eur)) for b in p1.lines] == [
                ("housing", "rent_advances", "300.00"), ("work", "staff", "1200.50")]
            assert (p2.version, p2.lines) == (1, ())
            assert await conn.fetchval("SELECT to_regclass('project_budget_lines')") is None
        finally:
            await conn.close()
    finally:
        await db.drop()


async def test_project_roles_registered_before_versions_hold_from_the_start(real_servers, tmp_path):
    """Migration 0007 on a database at 0006 with projects in it: each project's funder, lead and
    partners become its version 1, held from the start (reports as of any past date keep being read
    by them); the service's role may add versions but not rewrite or remove one."""
    from datetime import UTC, datetime

    old = migrations_before(tmp_path, "0007")
    privileges = (REPORTING / "privileges.sql").read_text().splitlines()
    (old / "privileges.sql").write_text("\n".join(line for line in privileges if "project_role_versions" not in line))
    db = await service_database(real_servers.postgres, "reporting", "it_rep_mig7", old)
    try:
        admin = await asyncpg.connect(db.admin_dsn)
        try:
            await admin.execute(
                "INSERT INTO projects (project_id, funder, lead_organisation_id, partners, title) VALUES "
                "('P1', 'fami', 'coop-a', '{coop-b}', 't'), ('P2', 'fondazione', 'coop-b', '{}', 'u')")
        finally:
            await admin.close()
        applied = await prepare_database(PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres), "reporting",
                                         db.name)
        assert applied == ["reporting/0007_project_role_versions.sql", "reporting/0008_women_inactive.sql"]
        conn = await asyncpg.connect(db.dsn)
        try:
            projects = PostgresProjects(conn)
            long_ago = datetime(2000, 1, 1, tzinfo=UTC)
            p1 = await projects.get("P1", as_of=long_ago)
            assert p1 == ProjectInfo("P1", "fami", "coop-a", ("coop-b",))
            assert [p.project_id for p in await projects.funded_by("fondazione", as_of=long_ago)] == ["P2"]
            later = datetime(2030, 1, 1, tzinfo=UTC)
            await projects.put(ProjectInfo("P1", "fondazione", "coop-a", ("coop-b",)), title="t", now=later)
            assert (await projects.get("P1", as_of=long_ago)).funder == "fami"
            assert (await projects.get("P1", as_of=later)).funder == "fondazione"
            for statement in ("UPDATE project_role_versions SET funder = 'x'", "DELETE FROM project_role_versions"):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute(statement)
        finally:
            await conn.close()
    finally:
        await db.drop()


async def test_facts_recorded_before_women_inactive_keep_their_rows_and_every_generation_gets_the_column(
        real_servers, tmp_path):
    """Migration 0008 on a database at 0007 with a fact in it: the fact stays (its women_inactive empty until
    a rebuild), the service's role writes the new column there, and a generation made after has it too."""
    from datetime import date

    from reporting.adapters import facts_sql
    from tests.reporting_scenario import Scenario

    old = migrations_before(tmp_path, "0008")
    (old / "privileges.sql").write_text((REPORTING / "privileges.sql").read_text())
    db = await service_database(real_servers.postgres, "reporting", "it_rep_mig8", old)
    try:
        admin = await asyncpg.connect(db.admin_dsn)
        try:
            await admin.execute(
                "INSERT INTO gen_1.facts (event_id, seq, event_type, schema_version, producer, recorded_at, "
                "occurred_on, beneficiary_id, organisation_id, sex) VALUES (gen_random_uuid(), 0, "
                "'intake.beneficiary_registered', 1, 'intake', now(), current_date, gen_random_uuid(), 'coop-a', 'F')")
        finally:
            await admin.close()
        applied = await prepare_database(PlatformSettings(PERCORSI_POSTGRES_DSN=real_servers.postgres), "reporting",
                                         db.name)
        assert applied == ["reporting/0008_women_inactive.sql"]
        scenario = Scenario()
        scenario.person("coop-a", sex="F", on=date.today().isoformat(), inactive=True)
        conn = await asyncpg.connect(db.dsn)
        try:
            await facts_sql.append(conn, 1, facts_sql.rows_of(scenario.events))
            rows = await conn.fetch("SELECT sex, women_inactive FROM gen_1.facts")
            assert sorted((tuple(r) for r in rows), key=lambda r: r[1] or "") == [("F", None), ("F", "yes")]
            await conn.execute("SELECT create_fact_generation(2)")
            await facts_sql.append(conn, 2, facts_sql.rows_of(scenario.events))
            assert await conn.fetchval("SELECT women_inactive FROM gen_2.facts") == "yes"
        finally:
            await conn.close()
    finally:
        await db.drop()
