"""Moving a placement along the pipeline, with what each step sets off: seats held and freed, the
project's money committed at the start and released on an early end, income and workplace on a hire,
a re-match of the organisation. Each step is an event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from employment.domain.calendar import add_months
from employment.domain.funds import cannot_commit, check_commitment
from employment.domain.instalments import cut_at, months_of, pro_rata, schedule
from employment.domain.levels import OpeningKind
from employment.domain.openings import BursaryTerms, Opening, TraineeshipTerms
from employment.domain.pipeline import CLOSING_WITH_REASON, Placement, Stage, advance, starts_payments
from employment.service_layer.commands import MoveStage
from employment.service_layer.context import Employment, Work
from employment.service_layer.events import hired, income, stage_changed
from employment.service_layer.matching import Change, OpeningChanged, PairDeclined, PersonChanged
from shared.errors import Conflict, NotFound, RuleViolation
from shared.events.envelope import EventPayload


async def move_stage(app: Employment, cmd: MoveStage) -> Placement:
    today = app.today()
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        current = await uow.placements.get(cmd.organisation_id, cmd.placement_id)
        if current is None:
            raise NotFound("no such placement", field="placement_id")
        opening = await uow.openings.get(cmd.organisation_id, current.opening_id, lock=True)
        assert opening is not None
        if cmd.hire is not None:  # it travels to housing and reporting: only a real municipality
            app.rulebook.gazetteer.get(cmd.hire.workplace_municipality, field="hire.workplace_municipality")
        moved = advance(current, cmd.to, on=cmd.on or today, reasons=app.rulebook.interruption_reasons,
                        reason=cmd.reason, hire=cmd.hire)
        if current.stage is Stage.proposed and not current.pinned and moved.stage is not Stage.declined:
            await _check_seat(uow, opening)
        await uow.placements.move(current, moved)
        _emit(uow, stage_changed(current, moved, sector=opening.sector), moved, opening)
        await _money_and_income(app, uow, opening, current, moved)
        if moved.stage is Stage.hired and moved.hire is not None:
            _emit(uow, hired(moved, moved.hire, opening.sector), moved, opening)
            person = await uow.people.get(moved.beneficiary_id)
            if person is not None:
                await uow.people.put(replace(person, employed_since=moved.since))
        changes: list[Change] = [PersonChanged(moved.beneficiary_id), OpeningChanged(opening.opening_id)]
        if moved.stage in CLOSING_WITH_REASON or moved.stage is Stage.completed:  # the engine never proposes it again
            await uow.settings.decline(cmd.organisation_id, moved.beneficiary_id, opening.opening_id)
            changes.append(PairDeclined(moved.beneficiary_id, opening.opening_id))
        await app.matcher.rematch(uow, cmd.organisation_id, changes, today)
    return moved


async def _check_seat(uow: Work, opening: Opening) -> None:
    if opening.status != "open":
        raise Conflict("the opening is closed", rule="opening_closed", field="opening_id")
    if await uow.openings.free_seats(opening.opening_id) < 1:
        raise Conflict("no seat left on the opening", rule="no_seat_left", field="opening_id")


def _emit(uow: Work, payload: EventPayload, p: Placement, o: Opening) -> None:
    uow.emit(payload, beneficiary_id=p.beneficiary_id, organisation_id=p.organisation_id, project_id=o.project_id)


async def _money_and_income(app: Employment, uow: Work, opening: Opening, before: Placement, after: Placement
                            ) -> None:
    monthly = opening.project_pays_monthly()
    fund_id = opening.fund_id()
    basis = app.rulebook.instalment_basis
    if starts_payments(after):
        _check_start_within(opening, after.since)
        if fund_id is not None and monthly > 0:
            plan = schedule(after.placement_id, start=after.since, end=_period_end(opening, after.since),
                            monthly=monthly, basis=basis)
            total = sum((i.amount for i in plan), Decimal("0"))
            check_commitment(await uow.funds.get(opening.organisation_id, fund_id), total)
            if not await uow.funds.commit(fund_id, total):  # a race the check above could not see
                raise cannot_commit(total, await uow.funds.get(opening.organisation_id, fund_id))
            await uow.instalments.add(opening.organisation_id, fund_id, plan)
        _emit(uow, income(_source(opening), _allowance(opening), after.since, _until(opening, after),
                          opening.municipality), after, opening)
    ended = after.stage in (Stage.interrupted, Stage.hired, Stage.completed) and before.stage is Stage.started
    if ended and monthly > 0 and after.since < _period_end(opening, before.since):
        # Paid up to the day of the step (included): the month it falls in pro rata, later months cancelled.
        kept = cut_at(months_of(before.since, _period_end(opening, before.since), basis), after.since, basis)
        keep = {m.month_no: pro_rata(monthly, m.fraction) for m in kept}
        fund_of_instalments, released = await uow.instalments.cut(after.placement_id, keep)
        if fund_of_instalments is not None and released > 0:
            await uow.funds.release(fund_of_instalments, released)
    if after.stage in (Stage.interrupted, Stage.completed) and before.stage is Stage.started:
        _emit(uow, income("none", Decimal("0"), after.since, None, None), after, opening)
    if after.stage is Stage.hired and after.hire is not None:
        _emit(uow, income("contract", after.hire.monthly_income_eur, after.since, None,
                          after.hire.workplace_municipality), after, opening)


def _check_start_within(o: Opening, on: date) -> None:
    """A traineeship or bursary starts on or after the opening's start date, and a traineeship before its end
    (so no money is scheduled for days outside the agreement)."""
    if on < o.start_date:
        raise RuleViolation("on", "start_before_opening", f"the placement cannot start before the opening's start "
                                                          f"date ({o.start_date})")
    if o.end_date is not None and on > o.end_date:
        raise RuleViolation("on", "start_after_opening_end", f"the placement cannot start after the opening's end "
                                                             f"date ({o.end_date})")


def _source(o: Opening) -> str:
    return "bursary" if o.kind is OpeningKind.bursary else "traineeship"


def _allowance(o: Opening) -> Decimal:
    t = o.terms
    if isinstance(t, TraineeshipTerms):
        return t.monthly_allowance
    if isinstance(t, BursaryTerms):
        return t.monthly_amount
    return Decimal("0")


def _until(o: Opening, p: Placement) -> date | None:
    if o.kind is OpeningKind.bursary and isinstance(o.terms, BursaryTerms):
        return add_months(p.since, o.terms.months) - timedelta(days=1)
    return o.end_date


def _period_end(o: Opening, start: date) -> date:
    """The last day the project pays for: a bursary's months from its start, a traineeship's end date."""
    if isinstance(o.terms, BursaryTerms):
        return add_months(start, o.terms.months) - timedelta(days=1)
    return o.end_date if o.end_date is not None else start
