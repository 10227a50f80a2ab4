"""Funds and monthly payments. A payment marks its instalment paid and takes the amount from the fund in
the same transaction, each by a conditional statement: the fund is never paid past its budget and an
instalment never twice, whatever races."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from employment.domain.funds import Fund, budget_below_spent, cannot_pay, check_payment, euros
from employment.domain.instalments import attended_amount, planned_hours
from employment.domain.openings import Opening, TraineeshipTerms
from employment.service_layer.commands import CreateFund, PayInstalment, ReviseBudget
from employment.service_layer.context import Employment
from employment.service_layer.events import payment_made
from shared.errors import Conflict, NotFound, RuleViolation


async def create_fund(app: Employment, cmd: CreateFund) -> Fund:
    fund = Fund(uuid4(), cmd.organisation_id, cmd.project_id, cmd.name, euros(cmd.budget, field="budget_eur"))
    async with app.uow() as uow:
        if not await uow.funds.add(fund):
            raise Conflict("the project already has a fund by that name", rule="fund_exists", field="name")
    return fund


async def revise_budget(app: Employment, cmd: ReviseBudget) -> Fund:
    budget = euros(cmd.budget, field="budget_eur")
    async with app.uow() as uow:
        fund = await uow.funds.get(cmd.organisation_id, cmd.fund_id)
        if fund is None:
            raise NotFound("no such fund", field="fund_id")
        if not await uow.funds.set_budget(cmd.fund_id, budget):
            raise budget_below_spent(fund)
        revised = await uow.funds.get(cmd.organisation_id, cmd.fund_id)
    assert revised is not None
    return revised


async def pay_instalment(app: Employment, cmd: PayInstalment) -> dict:
    """Pay one month of a placement from its fund; 409 if already paid, cancelled, or past the fund."""
    on = cmd.on or app.today()
    async with app.uow() as uow:
        placement = await uow.placements.get(cmd.organisation_id, cmd.placement_id)
        if placement is None:
            raise NotFound("no such placement", field="placement_id")
        taken = await uow.instalments.mark_paid(cmd.organisation_id, cmd.placement_id, cmd.month_no, on)
        if taken is None:
            state = await uow.instalments.state(cmd.organisation_id, cmd.placement_id, cmd.month_no)
            if state is None:
                raise NotFound(f"no instalment {cmd.month_no} for this placement", field="month_no")
            raise Conflict(f"instalment {cmd.month_no} is {state}", rule=f"instalment_{state}", field="month_no")
        fund_id, scheduled, due_on = taken
        if on < due_on.replace(day=1):
            raise Conflict(f"instalment {cmd.month_no} is for {due_on:%Y-%m}: it is paid from the month's first day, "
                           "not in advance (an interruption may still lower it)", rule="instalment_not_yet_due",
                           field="on")
        opening = await uow.openings.get(cmd.organisation_id, placement.opening_id)
        assert opening is not None and opening.project_id is not None
        amount = _attended(app, opening, scheduled, cmd.attended_hours)
        if amount < scheduled:
            await uow.instalments.settle(cmd.placement_id, cmd.month_no, amount)
            await uow.funds.release(fund_id, scheduled - amount)
        if amount == 0:
            return {"payment_id": None, "placement_id": cmd.placement_id, "month_no": cmd.month_no,
                    "fund_id": fund_id, "amount_eur": amount, "scheduled_eur": scheduled, "paid_on": on}
        check_payment(await uow.funds.get(cmd.organisation_id, fund_id), amount)
        if not await uow.funds.pay(fund_id, amount):  # a race the check above could not see
            raise cannot_pay(amount, await uow.funds.get(cmd.organisation_id, fund_id))
        payment_id = uuid4()
        month = due_on.strftime("%Y-%m")
        uow.emit(payment_made(payment_id, opening, fund_id, opening.project_id, month, amount, on),
                 beneficiary_id=placement.beneficiary_id, organisation_id=cmd.organisation_id,
                 project_id=opening.project_id)
    return {"payment_id": payment_id, "placement_id": cmd.placement_id, "month_no": cmd.month_no, "fund_id": fund_id,
            "amount_eur": amount, "scheduled_eur": scheduled, "paid_on": on}


def _attended(app: Employment, opening: Opening, scheduled: Decimal, attended: Decimal | None) -> Decimal:
    """The month's amount after the region's attendance rule (traineeships); the scheduled amount without hours."""
    if attended is None:
        return scheduled
    if not isinstance(opening.terms, TraineeshipTerms):
        raise RuleViolation("attended_hours", "traineeships_only", "hours attended apply to a traineeship month")
    rule = app.rulebook.regions[app.rulebook.gazetteer.by_code[opening.municipality].region].attendance
    if rule is None:
        raise RuleViolation("attended_hours", "no_attendance_rule",
                            "the region has no attendance rule on file (rules/traineeship_regions.toml)")
    planned = planned_hours(opening.weekly_hours, scheduled=scheduled, monthly=opening.project_pays_monthly(),
                            weeks_per_month=app.rulebook.weeks_per_month)
    return attended_amount(scheduled, planned_hours=planned, attended_hours=attended, rule=rule)
