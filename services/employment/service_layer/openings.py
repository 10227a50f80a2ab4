"""Recording, revising and closing openings; each change re-matches the organisation."""

from __future__ import annotations

from dataclasses import replace

from employment.domain.openings import BursaryTerms, Opening, TraineeshipTerms, validate_opening
from employment.service_layer.commands import CloseOpening, RecordOpening, ReviseOpening
from employment.service_layer.context import Employment, Work
from employment.service_layer.matching import OpeningChanged
from shared.errors import Conflict, NotFound, RuleViolation


async def _check_fund(uow: Work, o: Opening) -> None:
    fund_id = o.fund_id()
    if fund_id is None:
        return
    fund = await uow.funds.get(o.organisation_id, fund_id)
    if fund is None:
        raise RuleViolation("fund_id", "unknown_fund", "no fund by that id in the organisation")
    if fund.project_id != o.project_id:
        raise RuleViolation("fund_id", "fund_of_another_project",
                            f"the fund belongs to project {fund.project_id}, not {o.project_id}")


def _region(o: Opening, app: Employment) -> str:
    return app.rulebook.gazetteer.by_code[o.municipality].region


async def record_opening(app: Employment, cmd: RecordOpening) -> Opening:
    """Store a new opening once every rule holds (nothing stored otherwise) and re-match."""
    opening = validate_opening(cmd.opening, gazetteer=app.rulebook.gazetteer, regions=app.rulebook.regions)
    async with app.uow() as uow:
        await app.matcher.lock(uow, opening.organisation_id)
        await _check_fund(uow, opening)
        if await uow.openings.get(opening.organisation_id, opening.opening_id) is not None:
            raise Conflict("an opening with this id exists", rule="opening_exists", field="opening_id")
        await uow.openings.put(opening, region=_region(opening, app))
        await app.matcher.rematch(uow, opening.organisation_id, [OpeningChanged(opening.opening_id)], app.today())
    return opening


async def revise_opening(app: Employment, cmd: ReviseOpening) -> Opening:
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.opening.organisation_id)
        current = await uow.openings.get(cmd.opening.organisation_id, cmd.opening.opening_id, lock=True)
        if current is None:
            raise NotFound("no such opening", field="opening_id")
        if current.kind is not cmd.opening.kind:
            raise RuleViolation("kind", "kind_fixed", "an opening's kind cannot change")
        opening = validate_opening(replace(cmd.opening, status=current.status), gazetteer=app.rulebook.gazetteer,
                                   regions=app.rulebook.regions)
        changed = _fixed_once_begun(current, opening)
        if changed and await uow.openings.started(opening.opening_id):
            raise Conflict(f"someone has started on this opening: its {changed} is fixed (their instalments and the "
                           "fund's commitment were set from it); close it and open another",
                           rule="opening_has_placements", field=changed)
        held = current.seats - await uow.openings.free_seats(opening.opening_id)
        if held > opening.seats:
            raise Conflict("fewer seats than placements already under way", rule="seats_below_placements",
                           field="seats", held=held)
        await _check_fund(uow, opening)
        await uow.openings.put(opening, region=_region(opening, app))
        await app.matcher.rematch(uow, opening.organisation_id, [OpeningChanged(opening.opening_id)], app.today())
    return opening


async def close_opening(app: Employment, cmd: CloseOpening) -> Opening:
    """No more proposals for it; placements under way go on."""
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        current = await uow.openings.get(cmd.organisation_id, cmd.opening_id, lock=True)
        if current is None:
            raise NotFound("no such opening", field="opening_id")
        closed = replace(current, status="closed")
        await uow.openings.put(closed, region=_region(closed, app))
        await app.matcher.rematch(uow, cmd.organisation_id, [OpeningChanged(cmd.opening_id)], app.today())
    return closed


# Per kind of terms, the request's fields a placement's pay was set from, with the terms' attribute.
_PAY_FIELDS = {
    TraineeshipTerms: (("monthly_allowance_eur", "monthly_allowance"), ("payer", "payer"),
                       ("project_share_eur", "project_share_eur"), ("fund_id", "fund_id"), ("meals", "meals"),
                       ("target", "target")),
    BursaryTerms: (("monthly_amount_eur", "monthly_amount"), ("months", "months"), ("fund_id", "fund_id")),
}


def _fixed_once_begun(current: Opening, new: Opening) -> str | None:
    """The first field, as the request names it, that a placement under way was set from (its dates, its
    project, its pay), if the revision changes it; None when only the rest changes (title, tutors, seats)."""
    for field in ("start_date", "end_date", "project_id", "weekly_hours"):
        if getattr(current, field) != getattr(new, field):
            return field
    for field, attr in _PAY_FIELDS.get(type(current.terms), ()):
        if getattr(current.terms, attr) != getattr(new.terms, attr, None):
            return field
    return None
