"""One contract for reporting's stores: the in-memory twin (tests/unit) and PostgreSQL
(tests/integration) run these same tests through the unit of work, so they cannot drift."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from reporting.domain.access import ProjectInfo
from reporting.domain.budgets import BudgetLine, BudgetVersion
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
                await uow.projects.put(ProjectInfo("P1", "fami", "coop-a", ()), title="t")
                await uow.projects.add_budget("P1", (BudgetLine("work", "staff", Decimal("1.00")),), now=NOW)
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
        async with make() as uow:
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ("b", "c")), title="t")
            await uow.projects.put(ProjectInfo("P2", "fondazione", "b", ()), title="u")
        async with make() as uow:
            assert await uow.projects.get("P1") == ProjectInfo("P1", "fami", "lead", ("b", "c"))
            assert [p.project_id for p in await uow.projects.funded_by("fami")] == ["P1"]
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ("b",)), title="t")
        async with make() as uow:
            assert (await uow.projects.get("P1")).partners == ("b",)
            assert await uow.projects.budget("P1", as_of=NOW) is None  # registered, but no budget recorded

    async def test_project_roles_are_versions_read_as_of(self, make: Callable[[], ReportingUnitOfWork]):
        """fami funds P1 led by `lead` with partner b from March; in September fondazione takes it over
        and c joins: as of a time, the version recorded by then, before the first the first."""
        t1, t2 = datetime(2025, 3, 1, 9, tzinfo=UTC), datetime(2025, 9, 1, 9, tzinfo=UTC)
        march = ProjectInfo("P1", "fami", "lead", ("b",))
        september = ProjectInfo("P1", "fondazione", "lead", ("b", "c"))
        async with make() as uow:
            await uow.projects.put(march, title="t", now=t1)
            await uow.projects.put(ProjectInfo("P2", "fami", "b", ()), title="u", now=t2)
            await uow.projects.put(september, title="t", now=t2)
        async with make() as uow:
            assert await uow.projects.get("P1", as_of=t1) == march
            assert await uow.projects.get("P1", as_of=t2 - timedelta(microseconds=1)) == march
            assert await uow.projects.get("P1", as_of=t2) == september
            assert await uow.projects.get("P1") == september
            assert await uow.projects.get("P1", as_of=t1 - timedelta(days=300)) == march  # before the first
            assert await uow.projects.get("P9", as_of=t2) is None
            assert [p.project_id for p in await uow.projects.funded_by("fami", as_of=t1)] == ["P1", "P2"]
            assert [p.project_id for p in await uow.projects.funded_by("fami", as_of=t2)] == ["P2"]
            assert await uow.projects.funded_by("fondazione", as_of=t1) == []
            assert await uow.projects.funded_by("fondazione", as_of=t2) == [september]
            # a clock set back never slips the new roles behind the old ones
            await uow.projects.put(march, title="t", now=t1 - timedelta(days=1))
        async with make() as uow:
            assert await uow.projects.get("P1", as_of=t2 - timedelta(microseconds=1)) == march
            assert await uow.projects.get("P1", as_of=t2) == march  # recorded at t2, after september's

    async def test_budget_versions_are_kept_whole_and_read_as_of(self, make: Callable[[], ReportingUnitOfWork]):
        t1, t2 = datetime(2025, 3, 1, 9, tzinfo=UTC), datetime(2025, 9, 1, 9, tzinfo=UTC)
        first = (BudgetLine("work", "staff", Decimal("1200.50")),
                 BudgetLine("housing", "rent_advances", Decimal("300")))
        second = (BudgetLine("work", "staff", Decimal("900.00")), BudgetLine("social", "staff", Decimal("0.01")))
        async with make() as uow:
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ()), title="t")
            await uow.projects.put(ProjectInfo("P2", "fami", "lead", ()), title="u")
            v1 = await uow.projects.add_budget("P1", first, now=t1)
            v2 = await uow.projects.add_budget("P1", second, now=t2)
            await uow.projects.add_budget("P2", (BudgetLine("work", "staff", Decimal("5")),), now=t1)
        # numbered per project, exact euros to the cent, in order of work package and line
        assert v1 == BudgetVersion(1, t1, (BudgetLine("housing", "rent_advances", Decimal("300.00")),
                                           BudgetLine("work", "staff", Decimal("1200.50"))))
        assert v2 == BudgetVersion(2, t2, (BudgetLine("social", "staff", Decimal("0.01")),
                                           BudgetLine("work", "staff", Decimal("900.00"))))
        async with make() as uow:
            assert await uow.projects.budget("P1", as_of=t1 - timedelta(microseconds=1)) is None  # before the first
            assert await uow.projects.budget("P1", as_of=t1) == v1  # in force from the instant it was recorded
            assert await uow.projects.budget("P1", as_of=t2 - timedelta(microseconds=1)) == v1
            assert await uow.projects.budget("P1", as_of=t2) == v2
            assert await uow.projects.budget("P1", as_of=NOW) == v2  # replaced whole: no rent_advances line
            assert await uow.projects.budgets("P1") == [v1, v2]  # the first kept as it was recorded
            assert [v.version for v in await uow.projects.budgets("P2")] == [1]
            empty = await uow.projects.add_budget("P1", (), now=NOW)
        async with make() as uow:
            # a version with no lines is a budget of nothing from then on, not an absent budget
            assert await uow.projects.budget("P1", as_of=NOW) == BudgetVersion(3, NOW, ()) == empty
            assert await uow.projects.budget("P1", as_of=t2) == v2

    async def test_a_clock_set_back_does_not_put_a_version_behind_the_one_it_replaces(
            self, make: Callable[[], ReportingUnitOfWork]):
        later, earlier = datetime(2025, 9, 1, tzinfo=UTC), datetime(2025, 8, 1, tzinfo=UTC)
        async with make() as uow:
            await uow.projects.put(ProjectInfo("P1", "fami", "lead", ()), title="t")
            await uow.projects.add_budget("P1", (BudgetLine("work", "staff", Decimal("1")),), now=later)
            v2 = await uow.projects.add_budget("P1", (BudgetLine("work", "staff", Decimal("2")),), now=earlier)
        assert (v2.version, v2.recorded_at) == (2, later)
        async with make() as uow:
            assert await uow.projects.budget("P1", as_of=later) == v2
            assert await uow.projects.budget("P1", as_of=earlier) is None

    async def test_a_budget_for_an_unregistered_project_is_refused(self, make: Callable[[], ReportingUnitOfWork]):
        with pytest.raises(LookupError):
            async with make() as uow:
                await uow.projects.add_budget("nope", (), now=NOW)
        async with make() as uow:
            assert await uow.projects.budgets("nope") == []
