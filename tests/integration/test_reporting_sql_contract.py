"""The SQL aggregates and the domain's pure counting agree: every indicator of every set, on the
hand-computed scenario and a second organisation, as of several dates, for one organisation and
per organisation. The unit tests check the pure side against hand-computed answers; this ties the
PostgreSQL adapter to them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reporting.adapters.memory import InMemoryFacts
from reporting.domain.counting import Query, Scope, cell_order
from reporting.domain.indicators import Period
from tests.integration.reporting_support import ReportingDatabase
from tests.reporting_scenario import Scenario
from tests.unit.reporting.scenarios import coop_a
from tests.unit.reporting.support import CATALOGUE

pytestmark = pytest.mark.integration


def coop_b(s: Scenario) -> None:
    for n, sex in enumerate("FFMMM"):
        person = s.person("coop-b", sex=sex, age="35_44", on=f"2025-0{n + 1}-10", province="MI",
                          inactive={0: True, 2: False}.get(n))
        s.intervention(person, "intercultural_mediation", f"2025-0{n + 2}-01", hours="1.25", cost="12.34")
        if n % 2:
            s.enrol(person, "italian_for_work_course", f"2025-0{n + 2}-05")
        if n == 0:  # enrolled in a second project later: active in it from then
            s.enrol_project(person, "P2", "2025-04-15")
        if n == 2:  # recorded as a man; corrected to a woman neither working nor seeking work
            s.correct_person(person, "2025-07-01", sex="F", women_inactive=True)


@pytest.fixture
async def database(real_servers):
    async with ReportingDatabase(real_servers) as db:
        yield db


async def test_sql_counts_what_the_domain_counts(database):
    scenario, _ = coop_a()
    coop_b(scenario)
    await database.append(scenario.events[:10])
    await database.append(scenario.events[10:])
    await database.append(scenario.events[:5])  # a redelivery adds nothing
    memory = InMemoryFacts()
    await memory.append(scenario.events)
    async with database.uow() as uow:
        assert await uow.facts.count() == await memory.count()
    cases = [
        (Scope(("coop-a",)), False, Period.year(2025), datetime(2026, 2, 1, tzinfo=UTC)),
        (Scope(("coop-a",)), False, Period.year(2025), datetime(2025, 6, 30, 23, tzinfo=UTC)),
        (Scope(("coop-a",)), False, Period.year(2024), datetime(2026, 2, 1, tzinfo=UTC)),
        (Scope(("coop-a", "coop-b")), True, Period.year(2025), datetime(2026, 2, 1, tzinfo=UTC)),
        (Scope(None, ("P1",)), True, Period(start=date(2025, 3, 1), end=date(2025, 8, 31)),
         datetime(2025, 12, 1, tzinfo=UTC)),
        (Scope(("coop-a", "coop-b"), None, ("RM",)), True, Period.year(2025), datetime(2026, 2, 1, tzinfo=UTC)),
        (Scope(None, ("P2",)), True, Period.year(2025), datetime(2026, 2, 1, tzinfo=UTC)),
        (Scope(("coop-b",)), False, Period.year(2025), datetime(2025, 6, 30, tzinfo=UTC)),
    ]
    indicators = list(CATALOGUE.all_indicators().values())
    for scope, by_org, period, as_of in cases:
        queries = [Query(i, period, as_of, scope, by_org) for i in indicators]
        async with database.uow() as uow:
            from_sql = await uow.facts.cells(queries)
        from_memory = await memory.cells(queries)
        for query, sql_cells, memory_cells in zip(queries, from_sql, from_memory, strict=True):
            assert sorted(sql_cells, key=cell_order) == memory_cells, (query.indicator.id, scope, period, as_of)
            total = [c.value for c in sql_cells if c.dimension is None and c.organisation_id is None]
            if scope.projects == ("P2",) and query.indicator.id == "people_active":
                assert total == [1]
            if scope.projects == ("P1",) and query.indicator.id == "housing_placements":
                assert total == [2]  # a3's and a5's moves in July name no project: their people are in P1
            if query.indicator.id == "women_inactive" and scope.organisations == ("coop-b",):
                assert total == [1]  # the first woman; the corrected one only from 2025-07-01
            if query.indicator.id == "women_inactive" and by_org and scope == Scope(("coop-a", "coop-b")):
                assert [c.value for c in sql_cells if c.dimension is None and c.organisation_id == "coop-b"] == [2]
    assert any(memory_cells for memory_cells in from_memory)


async def test_sql_amounts_and_timeline_agree_with_the_twin(database):
    scenario, people = coop_a()
    await database.append(scenario.events)
    memory = InMemoryFacts()
    await memory.append(scenario.events)
    for as_of in (datetime(2025, 6, 30, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)):
        async with database.uow() as uow:
            assert sorted(await uow.facts.amounts("P1", as_of=as_of)) == sorted(
                await memory.amounts("P1", as_of=as_of))
            rows = await uow.facts.timeline(people["a2"], as_of=as_of)
        twin = await memory.timeline(people["a2"], as_of=as_of)
        assert [(r.fact.event_type, r.fact.occurred_on, r.fact.kind, r.payload) for r in rows] == [
            (r.fact.event_type, r.fact.occurred_on, r.fact.kind, r.payload) for r in twin]
