"""One contract for reporting's stores: the in-memory twin (tests/unit) and PostgreSQL
(tests/integration) run these same tests through the unit of work, so they cannot drift."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from reporting.domain.access import ProjectInfo
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from tests.unit.reporting.scenarios import coop_a

NOW = datetime(2026, 6, 1, tzinfo=UTC)


class Boom(Exception):
    pass


class ReportingStoreContract:
    """Subclasses give a `make` fixture: a callable returning a new unit of work on the same store."""

    async def test_an_event_delivered_twice_is_one_fact(self, make: Callable[[], ReportingUnitOfWork]):
        scenario, _ = coop_a()
        async with make() as uow:
            added = await uow.facts.append(scenario.events)
        async with make() as uow:
            await uow.facts.append(scenario.events[:7])
            assert await uow.facts.count() == added
        assert added == len(scenario.events) + 0  # every event here is in one project: one fact each

    async def test_a_failed_unit_leaves_nothing(self, make: Callable[[], ReportingUnitOfWork]):
        scenario, _ = coop_a()
        with pytest.raises(Boom):
            async with make() as uow:
                await uow.facts.append(scenario.events)
                await uow.projects.put(ProjectInfo("P1", "fami", "coop-a", ()), title="t", budget=[])
                raise Boom
        async with make() as uow:
            assert await uow.facts.count() == 0
            assert await uow.projects.get("P1") is None

    async def test_a_timeline_in_order_and_as_of(self, make: Callable[[], ReportingUnitOfWork]):
        scenario, people = coop_a()
        async with make() as uow:
            await uow.facts.append(list(reversed(scenario.events)))
        async with make() as uow:
            rows = await uow.facts.timeline(people["a2"], as_of=NOW)
            early = await uow.facts.timeline(people["a2"], as_of=datetime(2025, 5, 1, tzinfo=UTC))
        keys = [(r.fact.occurred_on, r.fact.recorded_at) for r in rows]
        assert keys == sorted(keys) and rows[0].fact.event_type == "intake.beneficiary_registered"
        assert rows[0].payload["sex"] == "F" and rows[0].producer == "intake" and rows[0].schema_version == 1
        cutoff = datetime(2025, 5, 1, tzinfo=UTC)
        assert [r.fact.event_id for r in early] == [r.fact.event_id for r in rows if r.fact.recorded_at <= cutoff]
        assert len(early) < len(rows)

    async def test_amounts_apply_corrections_as_of_their_recording(self, make: Callable[[], ReportingUnitOfWork]):
        scenario, _ = coop_a()
        async with make() as uow:
            await uow.facts.append(scenario.events)
        async with make() as uow:
            now = {(t, k, c): a for t, k, c, a in await uow.facts.amounts("P1", as_of=NOW)}
            june = {(t, k, c): a for t, k, c, a in await uow.facts.amounts("P1", as_of=datetime(
                2025, 6, 30, tzinfo=UTC))}
        mediation = ("intake.intervention_recorded", "intercultural_mediation", None)
        corrected = ("intake.intervention_corrected", "intercultural_mediation", None)
        assert now[mediation] == Decimal("50.00") and now[corrected] == Decimal("60.00")
        assert june[mediation] == Decimal("80.00") and corrected not in june
        assert now[("housing.support_changed", "rent_advance", "paid")] == Decimal("1800.00")

    async def test_projects(self, make: Callable[[], ReportingUnitOfWork]):
        budget = [{"work_package": "work", "budget_line": "staff", "amount_eur": "1200.50"},
                  {"work_package": "housing", "budget_line": "rent_advances", "amount_eur": "300"}]
        async with make() as uow:
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ("b", "c")), title="t", budget=budget)
            await uow.projects.put(ProjectInfo("P2", "fondazione", "b", ()), title="u", budget=[])
        async with make() as uow:
            assert await uow.projects.get("P1") == ProjectInfo("P1", "fami", "lead", ("b", "c"))
            assert [p.project_id for p in await uow.projects.funded_by("fami")] == ["P1"]
            assert await uow.projects.budget("P1") == [  # exact euros to the cent, in order
                {"work_package": "housing", "budget_line": "rent_advances", "amount_eur": "300.00"},
                {"work_package": "work", "budget_line": "staff", "amount_eur": "1200.50"}]
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ("b",)), title="t", budget=[])
        async with make() as uow:
            assert (await uow.projects.get("P1")).partners == ("b",)
            assert await uow.projects.budget("P1") == []  # the lines are replaced whole
