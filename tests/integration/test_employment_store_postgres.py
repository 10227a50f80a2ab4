"""The store contract on PostgreSQL, and what only the real database can show: money under concurrent
requests, one seat raced for, and the proposals the consumer makes from intake's events on Kafka."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from employment.domain.pipeline import Stage
from employment.service_layer import money, openings, pipeline, queries
from employment.service_layer.commands import CreateFund, MoveStage, PayInstalment, RecordOpening
from employment.service_layer.intake_events import handlers
from shared.errors import Conflict
from tests.employment_contract import EmploymentStoreContract
from tests.employment_support import ORG, matchable, opening
from tests.integration.employment_db import employment_db, pg_app  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


class TestPostgresStore(EmploymentStoreContract):
    @pytest.fixture
    def app(self, pg_app):  # noqa: F811
        return pg_app


async def _started_bursaries(app, n: int, *, budget: str, months: int, monthly: str):
    """`n` people each started on a bursary of one fund; returns the fund and the placements."""
    f = await money.create_fund(app, CreateFund(ORG, "FAMI-1", "bursaries", Decimal(budget)))
    handle = handlers(app)
    for _ in range(n):
        await openings.record_opening(app, RecordOpening(opening(fund_id=f.fund_id, months=months, monthly=monthly)))
        await matchable(app, handle)
    items, _ = await queries.placements(app, ORG, stage=Stage.proposed, opening_id=None, limit=50, offset=0)
    assert len(items) == n
    for p, _ in items:
        await pipeline.move_stage(app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
    return f, [p for p, _ in items]


async def test_two_starts_racing_for_the_last_money_one_is_refused(pg_app):  # noqa: F811
    f, (a, b) = await _started_bursaries(pg_app, 2, budget="1000.00", months=2, monthly="450.00")
    results = await asyncio.gather(*[
        pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 1))) for p in (a, b)
    ], return_exceptions=True)
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].rule == "fund_exhausted"
    (fund,), _ = await queries.funds(pg_app, ORG, limit=5, offset=0)
    assert (fund.committed, fund.paid) == (Decimal("900.00"), Decimal("0.00"))


async def test_concurrent_payments_never_pay_past_the_fund_nor_an_instalment_twice(pg_app, employment_db):  # noqa: F811
    _, pool = employment_db
    f, started = await _started_bursaries(pg_app, 3, budget="8100.00", months=6, monthly="450.00")
    for p in started:
        await pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 1)))
    # the funder cuts the budget after the commitments: only what is left may still be paid (the database's
    # guard, set directly: the service refuses a budget below the committed money)
    await pool.execute("UPDATE funds SET committed = 0, budget = 2000.00 WHERE fund_id = $1", f.fund_id)
    calls = [PayInstalment(ORG, p.placement_id, month, date(2027, 8, 1)) for p in started for month in range(1, 7)]
    calls += calls[:4]  # double clicks: the same instalments again, at the same time
    results = await asyncio.gather(*[money.pay_instalment(pg_app, c) for c in calls], return_exceptions=True)
    paid = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(paid) + len(refused) == len(calls), [r for r in results if not isinstance(r, dict | Conflict)]
    assert len(paid) == 4  # 4 x 450 = 1800 <= 2000 < 2250
    (fund,), _ = await queries.funds(pg_app, ORG, limit=5, offset=0)
    assert fund.paid == Decimal("1800.00") and fund.paid <= fund.budget
    assert await pool.fetchval("SELECT count(*) FROM instalments WHERE paid_on IS NOT NULL") == 4
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE convert_from(value, 'UTF8')::jsonb->>'event_type' "
                               "= 'employment.payment_made'") == 4
    assert {r.rule for r in refused} <= {"fund_exhausted", "instalment_paid"}


async def test_the_last_seat_goes_to_one_of_two_concurrent_interviews(pg_app, employment_db):  # noqa: F811
    _, pool = employment_db
    f = await money.create_fund(pg_app, CreateFund(ORG, "FAMI-1", "b", Decimal("9000")))
    o = await openings.record_opening(pg_app, RecordOpening(opening(fund_id=f.fund_id, seats=2)))
    handle = handlers(pg_app)
    await matchable(pg_app, handle)
    await matchable(pg_app, handle)
    items, _ = await queries.placements(pg_app, ORG, stage=Stage.proposed, opening_id=None, limit=5, offset=0)
    assert len(items) == 2
    await pool.execute("UPDATE openings SET seats = 1 WHERE opening_id = $1", o.opening_id)  # one seat withdrawn
    results = await asyncio.gather(*[
        pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 1, 15)))
        for p, _ in items], return_exceptions=True)
    # the loser finds no seat, or finds its proposal already declined by the winner's re-match
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].rule in {"no_seat_left", "stage_not_allowed"}, results
    assert await pool.fetchval("SELECT count(*) FROM placements WHERE stage = 'interview'") == 1


async def test_rematching_after_events_keeps_the_optimum_and_writes_it(pg_app, employment_db):  # noqa: F811
    _, pool = employment_db
    handle = handlers(pg_app)
    f = await money.create_fund(pg_app, CreateFund(ORG, "FAMI-1", "b", Decimal("90000")))
    for _ in range(3):
        await openings.record_opening(pg_app, RecordOpening(opening(fund_id=f.fund_id, seats=2)))
    people = [await matchable(pg_app, handle, municipality=m) for m in ("058091", "058118", "058039") * 3]
    assert await pool.fetchval("SELECT count(*) FROM placements WHERE stage = 'proposed'") == 6
    report = await queries.full_rematch(pg_app, ORG)
    assert report["optimality_gap_pct"] == 0.0 and report["proposals"] == 6
    assert await pool.fetchval("SELECT count(*) FROM placements WHERE stage = 'proposed'") == 6
    assert len(people) == 9
