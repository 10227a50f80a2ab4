"""Project funds and the rent advances and contributions paid from them. The approval commits the
amount with one conditional UPDATE (adapters/repository_funds.py), which is what keeps a fund whole when
two approvals race; the domain's check before it gives the clear refusal in the ordinary case. Every
step of a support first locks its fund's row, so the checks per person at an approval (six months of
rent, the cap) count every approval committed before it: two approvals for one person cannot both pass."""

from __future__ import annotations

from uuid import uuid4

from housing.domain import funds as rules
from housing.domain.funds import Fund, Support
from housing.service_layer.commands import CreateFund, RequestSupport, SupportStep
from housing.service_layer.context import Context
from housing.service_layer.events import support_changed
from housing.service_layer.unit_of_work import HousingUnitOfWork
from shared.errors import Conflict, NotFound, RuleViolation


async def create_fund(ctx: Context, cmd: CreateFund) -> Fund:
    fund = rules.new_fund(uuid4(), cmd.organisation_id, cmd.project_id, cmd.kind, cmd.total, cmd.cap_per_person)
    async with ctx.uow() as uow:
        if not await uow.funds.add(fund):
            existing = await uow.funds.of_project(fund.organisation_id, fund.project_id, fund.kind)
            assert existing is not None  # the insert found it: it is committed
            raise rules.fund_exists(existing)
    return fund


async def request_support(ctx: Context, cmd: RequestSupport) -> Support:
    today = ctx.today()
    async with ctx.uow() as uow:
        fund = await uow.funds.lock(cmd.fund_id, cmd.organisation_id)  # two requests for one person: in turn
        if fund is None:
            raise NotFound("no such fund for the organisation", field="fund_id")
        h = await uow.households.get(cmd.beneficiary_id)
        if h is None or h.organisation_id != cmd.organisation_id:
            raise NotFound("no such person known to the organisation's housing team", field="beneficiary_id")
        if h.status == "erased":
            raise Conflict("the person's data were erased at their request", rule="person_erased",
                           field="beneficiary_id")
        held = await uow.supports.held(fund.fund_id, cmd.beneficiary_id, statuses=rules.STANDING)
        s = rules.request(uuid4(), fund, cmd.beneficiary_id, cmd.kind, cmd.amount, today, ctx.funds, held=held,
                          lease=cmd.lease)
        await uow.supports.add(s)
        uow.emit(support_changed(s, fund, today), beneficiary_id=s.beneficiary_id, organisation_id=s.organisation_id,
                 project_id=fund.project_id)
        return s


async def support_step(ctx: Context, cmd: SupportStep) -> Support:
    today = ctx.today()
    async with ctx.uow() as uow:
        found = await uow.supports.get(cmd.support_id, cmd.organisation_id)
        if found is None:
            raise NotFound("no such support request for the organisation", field="support_id")
        fund = await uow.funds.lock(found.fund_id, cmd.organisation_id)
        s = await uow.supports.get(cmd.support_id, cmd.organisation_id)  # as it is now that the fund is ours
        assert fund is not None and s is not None  # a support's fund is a foreign key; supports are never deleted
        new = await _next(ctx, uow, s, fund, cmd.action)
        if not await uow.supports.save(new, expected=s.status):
            raise Conflict("the support was changed meanwhile; read it again", rule="concurrent_change",
                           field="status")
        if cmd.action == "approve":
            if not await uow.funds.commit(fund.fund_id, s.amount):
                latest = await uow.funds.get(fund.fund_id, cmd.organisation_id)
                raise rules.fund_exhausted(s.amount, latest.available if latest else fund.available)
        elif cmd.action == "pay" and not await uow.funds.pay(fund.fund_id, s.amount):
            # unreachable while paid <= committed <= total; the guard keeps a fund whole even if that breaks
            raise rules.fund_exhausted(s.amount, fund.ledger.unpaid)
        uow.emit(support_changed(new, fund, today), beneficiary_id=s.beneficiary_id,
                 organisation_id=s.organisation_id, project_id=fund.project_id)
        return new


async def _next(ctx: Context, uow: HousingUnitOfWork, s: Support, fund: Fund, action: str) -> Support:
    if action == "approve":
        held = await uow.supports.held(fund.fund_id, s.beneficiary_id, statuses=rules.COMMITTED)
        return rules.approve(s, fund, ctx.funds, held=held)
    if action == "pay":
        return rules.pay(s)
    if action == "refuse":
        return rules.refuse(s)
    raise RuleViolation("action", "unknown_action", "one of approve, pay, refuse")
