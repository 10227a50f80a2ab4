"""Spending against budget on the real servers: intake's intervention costs, housing's paid rent
advances and contributions, employment's allowances and bursaries, as their services publish them,
read from the topics on Kafka into reporting's PostgreSQL projections and summed there, exactly, by
work package and budget line; and as of a past date, when only what had been recorded counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from reporting.adapters.generation_store import PostgresGenerations
from reporting.adapters.topic_reader import TopicReader
from reporting.domain.access import Viewer
from reporting.service_layer.projects import RegisterProject, project_budget, project_spending, register_project
from reporting.service_layer.rebuild import rebuild
from tests.integration.reporting_support import ReportingDatabase
from tests.integration.test_reporting_rebuild import TYPES, produce
from tests.kafka_support import new_topic
from tests.unit.reporting.scenarios import coop_a

pytestmark = pytest.mark.integration
LEAD_ADMIN = Viewer("admin", "coop-a")  # an admin of the projects' lead


async def test_spending_from_every_source_through_the_topics_exact_and_as_of(real_servers):
    scenario, _ = coop_a()
    by_source = {p: sum(1 for e in scenario.events if e.envelope.producer == p) for p in ("intake", "housing",
                                                                                         "employment")}
    assert all(by_source.values()), by_source  # the scenario has events of each service
    topics = {s: await new_topic(real_servers.kafka) for s in ("intake", "housing", "employment")}
    await produce(real_servers.kafka, topics, scenario.events)
    async with ReportingDatabase(real_servers) as db:
        store = PostgresGenerations(db.pool)
        await rebuild(store, store.loader(lambda: TopicReader(real_servers.kafka, list(topics.values()), TYPES,
                                                              batch=50)))
        service = db.reporting(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
        early = db.reporting(clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))  # the budget PUT before the spending
        await register_project(early, RegisterProject(LEAD_ADMIN, "P1", "fami", "Rifugiato Cittadino", "coop-a", (), (
            ("social", "staff", Decimal("1000.00")), ("housing", "rent_advances", Decimal("5000")),
            ("work", "allowances_and_bursaries", Decimal("1400.00")))))
        report = await project_spending(service, Viewer("funder", "fami"), "P1", date(2026, 2, 1))
        lines = {(x["work_package"], x["budget_line"]): (x["budget_eur"], x["spent_eur"], x["left_eur"])
                 for x in report["lines"]}
        assert lines == {
            # intake: interventions' costs, 50 + 30 + 60 (a2's mediation as corrected), work-related 40
            ("social", "staff"): ("1000.00", "140.00", "860.00"),
            ("work", "staff"): ("0.00", "40.00", "-40.00"),
            # housing: only the paid step of a rent advance or a contribution is spent
            ("housing", "rent_advances"): ("5000.00", "1800.00", "3200.00"),
            ("housing", "contributions"): ("0.00", "350.50", "-350.50"),
            # employment: allowances and bursaries paid
            ("work", "allowances_and_bursaries"): ("1400.00", "1400.00", "0.00"),
        }
        assert report["spent_eur"] == "3730.50" and report["budget_eur"] == "7400.00"
        before = await project_spending(service, Viewer("admin", "coop-a"), "P1", date(2025, 6, 30))
        before_lines = {(x["work_package"], x["budget_line"]): x["spent_eur"] for x in before["lines"]}
        # 50 + 30 + 30 (a2's mediation before its correction was recorded) + 40, and a2's June allowance
        assert before_lines[("social", "staff")] == "110.00" and before_lines[("work", "staff")] == "40.00"
        assert before_lines[("work", "allowances_and_bursaries")] == "500.00"
        assert before_lines[("housing", "rent_advances")] == "0.00"
        assert before["spent_eur"] == "650.00"


def _table(report: dict) -> dict:
    return {(x["work_package"], x["budget_line"]): (x["budget_eur"], x["spent_eur"], x["left_eur"])
            for x in report["lines"]}


async def test_spending_as_of_a_date_stands_against_the_budget_version_in_force_then(real_servers):
    """Budget v1 is PUT, the spending happens (read from the topics into PostgreSQL), budget v2 is PUT
    replacing it whole: as of a date between the two the report sets what had been spent by then against
    v1; as of now everything against v2; before v1 there was no budget (null, not zero)."""
    scenario, _ = coop_a()
    topics = {s: await new_topic(real_servers.kafka) for s in ("intake", "housing", "employment")}
    async with ReportingDatabase(real_servers) as db:
        def at(*when: int):  # the service with its clock at a chosen instant: when a PUT is recorded
            return db.reporting(clock=lambda: datetime(*when, tzinfo=UTC))

        _, v1 = await register_project(at(2025, 5, 1, 8), RegisterProject(LEAD_ADMIN, "P1", "fami", "RC",
                                       "coop-a", (), (("social", "staff", Decimal("200.00")),
                                                      ("work", "allowances_and_bursaries", Decimal("600")))))
        await produce(real_servers.kafka, topics, scenario.events)
        store = PostgresGenerations(db.pool)
        await rebuild(store, store.loader(lambda: TopicReader(real_servers.kafka, list(topics.values()), TYPES,
                                                              batch=50)))
        _, v2 = await register_project(at(2025, 12, 1, 8), RegisterProject(LEAD_ADMIN, "P1", "fami", "RC",
                                       "coop-a", (), (("social", "staff", Decimal("1000.00")),
                                                      ("housing", "rent_advances", Decimal("5000")),
                                                      ("work", "allowances_and_bursaries", Decimal("1400.00")))))
        assert (v1.version, v2.version) == (1, 2)
        service, funder = at(2026, 6, 1), Viewer("funder", "fami")

        june = await project_spending(service, funder, "P1", date(2025, 6, 30))
        assert (june["budget_version"], june["budget_recorded_at"]) == (1, "2025-05-01T08:00:00+00:00")
        assert (june["budget_eur"], june["spent_eur"]) == ("800.00", "650.00")
        assert _table(june) == {
            ("social", "staff"): ("200.00", "110.00", "90.00"),  # 50 + 30 + 30 (a2's mediation, not yet corrected)
            ("work", "staff"): ("0.00", "40.00", "-40.00"),
            ("work", "allowances_and_bursaries"): ("600.00", "500.00", "100.00"),  # a2's June allowance
        }
        now = await project_spending(service, funder, "P1", None)
        assert (now["budget_version"], now["budget_eur"], now["spent_eur"]) == (2, "7400.00", "3730.50")
        assert _table(now) == {
            ("social", "staff"): ("1000.00", "140.00", "860.00"),
            ("work", "staff"): ("0.00", "40.00", "-40.00"),
            ("housing", "rent_advances"): ("5000.00", "1800.00", "3200.00"),
            ("housing", "contributions"): ("0.00", "350.50", "-350.50"),
            ("work", "allowances_and_bursaries"): ("1400.00", "1400.00", "0.00"),
        }
        april = await project_spending(service, funder, "P1", date(2025, 4, 30))
        assert (april["budget_version"], april["budget_eur"]) == (None, None)
        assert _table(april) == {("social", "staff"): (None, "110.00", None)}
        assert (await project_budget(service, funder, "P1", date(2025, 4, 30)))["budget"] is None
        assert (await project_budget(service, funder, "P1", date(2025, 11, 30)))["budget"]["lines"] == [
            {"work_package": "social", "budget_line": "staff", "amount_eur": "200.00"},
            {"work_package": "work", "budget_line": "allowances_and_bursaries", "amount_eur": "600.00"}]

        # v1 is kept in the database as it was recorded, and the service's role cannot rewrite it
        rows = await db.pool.fetch("SELECT version, work_package, budget_line, amount_eur FROM budget_version_lines "
                                   "WHERE project_id = 'P1' ORDER BY 1, 2, 3")
        assert [(r["version"], r["work_package"], r["budget_line"], r["amount_eur"]) for r in rows] == [
            (1, "social", "staff", Decimal("200.00")), (1, "work", "allowances_and_bursaries", Decimal("600.00")),
            (2, "housing", "rent_advances", Decimal("5000.00")), (2, "social", "staff", Decimal("1000.00")),
            (2, "work", "allowances_and_bursaries", Decimal("1400.00"))]
        for sql in ("UPDATE budget_version_lines SET amount_eur = 0", "DELETE FROM budget_versions",
                    "UPDATE budget_versions SET recorded_at = now()"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await db.pool.execute(sql)


async def test_budget_puts_at_once_each_record_their_own_version(real_servers):
    """Concurrent PUTs of one project's budget on real PostgreSQL: each one a version, numbered one after
    the other (the project's row is locked while the number is taken), none lost, none overwritten."""
    async with ReportingDatabase(real_servers) as db:
        service = db.reporting()

        async def put(n: int):
            return await register_project(service, RegisterProject(LEAD_ADMIN, "P9", "fami", "t", "coop-a", (), (
                ("work", "staff", Decimal(n)),)))

        await put(0)
        results = await asyncio.gather(*(put(n) for n in range(1, 9)))
        versions = sorted((v for _, v in results), key=lambda v: v.version)
        assert [v.version for v in versions] == list(range(2, 10))
        recorded = [v.recorded_at for v in versions]
        assert recorded == sorted(recorded)  # a later number is never recorded before an earlier one
        kept = await db.pool.fetch("SELECT version, amount_eur FROM budget_version_lines WHERE project_id = 'P9' "
                                   "ORDER BY version")
        assert sorted(r["amount_eur"] for r in kept) == [Decimal(n) for n in range(9)]  # every PUT's amount kept
        async with db.uow() as uow:
            latest = await uow.projects.budget("P9", as_of=datetime.now(UTC))
        assert latest.version == 9 and latest.lines[0].amount_eur == next(
            v.lines[0].amount_eur for v in versions if v.version == 9)
