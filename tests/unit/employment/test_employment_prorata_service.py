"""Pro-rata payments through the service layer on the in-memory twin: a traineeship started mid-month,
the attendance rule, an early completion, and the refusals around them (each changes nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from employment.domain.levels import OpeningKind
from employment.domain.pipeline import Stage
from employment.service_layer import money, openings, pipeline, queries
from employment.service_layer.commands import CreateFund, MoveStage, PayInstalment, RecordOpening
from employment.service_layer.intake_events import handlers
from employment.service_layer.unit_of_work import MemoryStore
from shared.errors import Conflict, RuleViolation
from tests.employment_support import ORG, context, matchable, opening

pytestmark = pytest.mark.unit
D = Decimal


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def app(store):
    return context(store)


async def _trainee(app, budget: str = "3200.00"):
    """A Lazio traineeship of EUR 800 a month paid by the project (1 Feb to 31 May 2027), at interview."""
    f = await money.create_fund(app, CreateFund(ORG, "FAMI-1", "allowances", D(budget)))
    await openings.record_opening(app, RecordOpening(opening(OpeningKind.traineeship, fund_id=f.fund_id)))
    await matchable(app, handlers(app))
    (p, _), = (await queries.placements(app, ORG, stage=Stage.proposed, opening_id=None, limit=5, offset=0))[0]
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 20)))
    return f, p


async def _fund(app):
    (f,), _ = await queries.funds(app, ORG, limit=5, offset=0)
    return f


async def test_a_start_outside_the_openings_dates_is_refused_and_commits_nothing(app, store):
    _, p = await _trainee(app)
    before = len(store.committed)
    for on, rule in ((date(2027, 1, 31), "start_before_opening"), (date(2027, 6, 1), "start_after_opening_end")):
        with pytest.raises(RuleViolation) as e:
            await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, on))
        assert (e.value.field, e.value.rule) == ("on", rule)
    assert ((await _fund(app)).committed, len(store.committed)) == (D("0"), before)
    (still, _), = (await queries.placements(app, ORG, stage=Stage.interview, opening_id=None, limit=5, offset=0))[0]
    assert still.placement_id == p.placement_id


async def test_a_mid_month_start_an_attendance_shortfall_and_an_early_completion(app, store):
    _, p = await _trainee(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 3, 20)))
    # 20..31 March on the 30-day month (rules/instalments.toml): 11/30 of 800 = 293.33; April and May whole.
    due, total = await queries.due(app, ORG, (2027, 5))
    assert [r["amount"] for r in due] == [D("293.33"), D("800.00"), D("800.00")] and total == 3
    assert (await _fund(app)).committed == D("1893.33")
    with pytest.raises(Conflict) as early:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 2, date(2027, 3, 31)))
    assert (early.value.rule, early.value.field) == ("instalment_not_yet_due", "on")
    assert await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 2, date(2027, 4, 1))) is not None
    # March plans 36 h x 4.3333 x 293.33/800 = 57.20 h; 40 h attended is under 70 % (40.04 h): paid in
    # proportion, 293.33 x 40 / 57.20 = 205.13, and the 88.20 not due leaves the commitment.
    march = await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 4, 2),
                                                          attended_hours=D("40")))
    assert (march["amount_eur"], march["scheduled_eur"]) == (D("205.13"), D("293.33"))
    assert ((await _fund(app)).committed, (await _fund(app)).paid) == (D("1805.13"), D("1005.13"))
    # Completed early on 15 May: May is 15/30 of 800 = 400.00 (the other 400.00 is released); it plans
    # 78.00 h, and 54.60 h attended is exactly 70 %: the pro-rata amount in full.
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.completed, date(2027, 5, 15)))
    assert (await _fund(app)).committed == D("1405.13")
    may = await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 3, date(2027, 5, 31),
                                                        attended_hours=D("54.60")))
    assert (may["amount_eur"], may["scheduled_eur"]) == (D("400.00"), D("400.00"))
    fund = await _fund(app)
    assert (fund.committed, fund.paid) == (D("1405.13"), D("1405.13")) and fund.paid <= fund.budget
    paid = [e.payload["amount_eur"] for e in store.committed if e.event_type == "employment.payment_made"]
    assert paid == ["800.00", "205.13", "400.00"]


async def test_completing_on_the_end_date_changes_no_instalment(app):
    _, p = await _trainee(app)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 10)))
    before = (await queries.due(app, ORG, (2027, 5)), (await _fund(app)).committed)
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.completed, date(2027, 5, 31)))
    assert (await queries.due(app, ORG, (2027, 5)), (await _fund(app)).committed) == before
    assert [r["amount"] for r in before[0][0]] == [D("560.00"), D("800.00"), D("800.00"), D("800.00")]


async def test_a_refused_payment_changes_nothing(app, store):
    _, p = await _trainee(app, budget="2000.00")
    await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 4, 16)))
    # 16..30 April: 15/30 of 800 = 400.00; May whole: 1200.00 committed.
    assert (await _fund(app)).committed == D("1200.00")
    before = (len(store.committed), await _fund(app))
    with pytest.raises(Conflict) as early:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 31)))
    assert early.value.rule == "instalment_not_yet_due"
    assert (len(store.committed), await _fund(app)) == before
    with pytest.raises(RuleViolation) as e:
        await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 5, 1),
                                                      attended_hours=D("-1")))
    assert e.value.field == "attended_hours"
    assert (len(store.committed), await _fund(app)) == before
    assert (await money.pay_instalment(app, PayInstalment(ORG, p.placement_id, 1, date(2027, 5, 1))))[
        "amount_eur"] == D("400.00")
