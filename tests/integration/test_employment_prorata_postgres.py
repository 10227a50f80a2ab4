"""A traineeship allowance paid by the project for partial months, against a real fund on PostgreSQL:
a start mid-month, the region's attendance rule, an interruption mid-month, a double click on the
partial month, and a fund cut below the last partial month (refused, nothing changed)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from employment.domain.levels import OpeningKind
from employment.domain.pipeline import Stage
from employment.service_layer import money, openings, pipeline, queries
from employment.service_layer.commands import CreateFund, MoveStage, PayInstalment, RecordOpening
from employment.service_layer.intake_events import handlers
from shared.errors import Conflict, RuleViolation
from tests.employment_support import ORG, matchable, opening
from tests.integration.employment_db import employment_db, pg_app  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration
D = Decimal


async def _fund(app) -> D:
    (f,), _ = await queries.funds(app, ORG, limit=5, offset=0)
    return f


async def test_partial_months_are_paid_pro_rata_from_the_fund_and_never_past_it(pg_app, employment_db):  # noqa: F811
    _, pool = employment_db
    # Ciampino (Lazio): EUR 800 a month paid by the project, 1 Feb to 31 May 2027, 36 hours a week.
    f = await money.create_fund(pg_app, CreateFund(ORG, "FAMI-1", "allowances", D("2800.00")))
    await openings.record_opening(pg_app, RecordOpening(opening(OpeningKind.traineeship, fund_id=f.fund_id)))
    await matchable(pg_app, handlers(pg_app))
    (p, _), = (await queries.placements(pg_app, ORG, stage=Stage.proposed, opening_id=None, limit=5, offset=0))[0]
    await pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.interview, date(2027, 2, 1)))
    # Started on 16 February: February is 15/30 of 800 = 400.00 (the 30-day month of rules/instalments.toml:
    # 16..28 February runs to the month's end, day 30); March to May whole.
    await pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.started, date(2027, 2, 16)))
    due, total = await queries.due(pg_app, ORG, (2027, 5))
    assert [(r["month_no"], r["due_on"], r["amount"]) for r in due] == [
        (1, date(2027, 2, 28), D("400.00")), (2, date(2027, 3, 31), D("800.00")),
        (3, date(2027, 4, 30), D("800.00")), (4, date(2027, 5, 31), D("800.00"))] and total == 4
    assert ((await _fund(pg_app)).committed) == D("2800.00")  # the whole schedule, 3.5 months, fits the budget

    # Interrupted on 10 April (included): April is 10/30 of 800 = 266.67, May is cancelled and released.
    await pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, Stage.interrupted, date(2027, 4, 10),
                                                "health"))
    fund = await _fund(pg_app)
    assert (fund.committed, fund.paid) == (D("1466.67"), D("0.00"))
    assert await pool.fetch("SELECT month_no, amount, cancelled FROM instalments ORDER BY month_no") == [
        (1, D("400.00"), False), (2, D("800.00"), False), (3, D("266.67"), False), (4, D("800.00"), True)]

    # February in full; March with half the hours planned (78 of 36 x 4.3333 = 156.00): 400.00, and the
    # 400.00 not due any more leaves the commitment.
    feb = await money.pay_instalment(pg_app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 1)))
    march = await money.pay_instalment(pg_app, PayInstalment(ORG, p.placement_id, 2, date(2027, 4, 1),
                                                             attended_hours=D("78")))
    assert (feb["amount_eur"], march["amount_eur"], march["scheduled_eur"]) == (D("400.00"), D("400.00"),
                                                                                 D("800.00"))
    fund = await _fund(pg_app)
    assert (fund.committed, fund.paid) == (D("1066.67"), D("800.00"))

    # The funder cuts the budget to 1000.00 (set in the database, commitments cleared: the service refuses a
    # budget below the committed money): April's 266.67 would pay 1066.67 > 1000.00, so both clicks are
    # refused, and nothing changes.
    await pool.execute("UPDATE funds SET committed = 0, budget = 1000.00 WHERE fund_id = $1", f.fund_id)
    april = PayInstalment(ORG, p.placement_id, 3, date(2027, 5, 1))
    results = await asyncio.gather(money.pay_instalment(pg_app, april), money.pay_instalment(pg_app, april),
                                   return_exceptions=True)
    assert [type(r) for r in results] == [Conflict, Conflict] and {r.rule for r in results} == {"fund_exhausted"}
    fund = await _fund(pg_app)
    assert (fund.paid, fund.budget) == (D("800.00"), D("1000.00"))
    assert await pool.fetchval("SELECT paid_on FROM instalments WHERE month_no = 3") is None

    # Back to the full budget, the double click pays April once.
    await pool.execute("UPDATE funds SET committed = 1066.67, budget = 2800.00 WHERE fund_id = $1", f.fund_id)
    results = await asyncio.gather(money.pay_instalment(pg_app, april), money.pay_instalment(pg_app, april),
                                   return_exceptions=True)
    paid = [r for r in results if isinstance(r, dict)]
    assert len(paid) == 1 and paid[0]["amount_eur"] == D("266.67")
    assert [r.rule for r in results if isinstance(r, Conflict)] == ["instalment_paid"]
    fund = await _fund(pg_app)
    assert (fund.paid, fund.committed) == (D("1066.67"), D("1066.67"))
    assert await pool.fetch("SELECT convert_from(value, 'UTF8')::jsonb->'payload'->>'amount_eur' AS a FROM outbox "
                            "WHERE convert_from(value, 'UTF8')::jsonb->>'event_type' = 'employment.payment_made' "
                            "ORDER BY seq") == [("400.00",), ("400.00",), ("266.67",)]
    with pytest.raises(Conflict) as cancelled:
        await money.pay_instalment(pg_app, PayInstalment(ORG, p.placement_id, 4, date(2027, 6, 1)))
    assert cancelled.value.rule == "instalment_cancelled"


async def test_hours_attended_apply_to_a_traineeship_month_only(pg_app):  # noqa: F811
    f = await money.create_fund(pg_app, CreateFund(ORG, "FAMI-1", "bursaries", D("1800.00")))
    await openings.record_opening(pg_app, RecordOpening(opening(fund_id=f.fund_id, months=4, monthly="450.00")))
    await matchable(pg_app, handlers(pg_app))
    (p, _), = (await queries.placements(pg_app, ORG, stage=Stage.proposed, opening_id=None, limit=5, offset=0))[0]
    for stage, on in ((Stage.interview, date(2027, 1, 15)), (Stage.started, date(2027, 2, 1))):
        await pipeline.move_stage(pg_app, MoveStage(ORG, p.placement_id, stage, on))
    with pytest.raises(RuleViolation) as e:
        await money.pay_instalment(pg_app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 1),
                                                         attended_hours=D("10")))
    assert (e.value.field, e.value.rule) == ("attended_hours", "traineeships_only")
    fund = await _fund(pg_app)
    assert (fund.paid, fund.committed) == (D("0.00"), D("1800.00"))
    assert await money.pay_instalment(pg_app, PayInstalment(ORG, p.placement_id, 1, date(2027, 3, 1)))
