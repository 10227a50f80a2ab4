"""Spending against budget on the real servers: intake's intervention costs, housing's paid rent
advances and contributions, employment's allowances and bursaries, as their services publish them,
read from the topics on Kafka into reporting's PostgreSQL projections and summed there, exactly, by
work package and budget line; and as of a past date, when only what had been recorded counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reporting.adapters.topic_reader import TopicReader
from reporting.domain.access import Viewer
from reporting.service_layer.projects import RegisterProject, project_spending, register_project
from reporting.service_layer.rebuild import in_process, rebuild
from tests.integration.reporting_support import ReportingDatabase
from tests.integration.test_reporting_rebuild import TYPES, produce
from tests.kafka_support import new_topic
from tests.unit.reporting.scenarios import coop_a

pytestmark = pytest.mark.integration


async def test_spending_from_every_source_through_the_topics_exact_and_as_of(real_servers):
    scenario, _ = coop_a()
    by_source = {p: sum(1 for e in scenario.events if e.envelope.producer == p) for p in ("intake", "housing",
                                                                                         "employment")}
    assert all(by_source.values()), by_source  # the scenario has events of each service
    topics = {s: await new_topic(real_servers.kafka) for s in ("intake", "housing", "employment")}
    await produce(real_servers.kafka, topics, scenario.events)
    async with ReportingDatabase(real_servers) as db:
        await rebuild(db.pool, in_process(db.pool, lambda: TopicReader(real_servers.kafka, list(topics.values()),
                                                                       TYPES, batch=50)))
        service = db.reporting(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))
        await register_project(service, RegisterProject("P1", "fami", "Rifugiato Cittadino", "coop-a", (), (
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
        before = await project_spending(service, Viewer("admin", "x"), "P1", date(2025, 6, 30))
        before_lines = {(x["work_package"], x["budget_line"]): x["spent_eur"] for x in before["lines"]}
        # 50 + 30 + 30 (a2's mediation before its correction was recorded) + 40, and a2's June allowance
        assert before_lines[("social", "staff")] == "110.00" and before_lines[("work", "staff")] == "40.00"
        assert before_lines[("work", "allowances_and_bursaries")] == "500.00"
        assert before_lines[("housing", "rent_advances")] == "0.00"
        assert before["spent_eur"] == "650.00"
