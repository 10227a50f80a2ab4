"""A proposal made by the team: the same rules as the engine's (consent, work goal, every hard
requirement, a free seat), refused with the reason otherwise; once made it holds its seat."""

from __future__ import annotations

from uuid import uuid4

from employment.domain.matching.scoring import explain_pair, unmet
from employment.domain.openings import slot_of
from employment.domain.people import candidate_of, why_not_matched
from employment.domain.pipeline import Placement, Stage, advance, holds_seat
from employment.service_layer.context import Employment
from employment.service_layer.events import proposal_made, stage_changed
from employment.service_layer.matching import OpeningChanged, PersonChanged
from shared.commands import ProposeByHand
from shared.errors import Conflict, NotFound, RuleViolation


async def propose(app: Employment, cmd: ProposeByHand) -> Placement:
    today = app.today()
    book = app.rulebook
    async with app.uow() as uow:
        await app.matcher.lock(uow, cmd.organisation_id)
        person = await uow.people.get(cmd.beneficiary_id)
        if person is None or person.organisation_id != cmd.organisation_id or person.erased:
            raise NotFound("no such person in the organisation", field="beneficiary_id")
        opening = await uow.openings.get(cmd.organisation_id, cmd.offer_id, lock=True)
        if opening is None:
            raise NotFound("no such opening", field="opening_id")
        active = await uow.placements.active_of(person.beneficiary_id)
        why = why_not_matched(person, holds_seat=active is not None and holds_seat(active))
        if why is not None:
            raise Conflict(f"the person cannot be proposed: {why.replace('_', ' ')}", rule=why,
                           field="beneficiary_id")
        free = await uow.openings.free_seats(opening.opening_id)
        if opening.status != "open" or free < 1:
            raise Conflict("no seat left on the opening", rule="no_seat_left", field="opening_id")
        certified, recognised = await uow.titles.sectors_of(person.beneficiary_id)
        candidate = candidate_of(person, gazetteer=book.gazetteer, certified=certified, recognised=recognised,
                                 women_priority_projects=await uow.settings.women_priority_projects(
                                     cmd.organisation_id))
        if candidate is None:
            raise Conflict("the person's place is unknown", rule="place_unknown", field="beneficiary_id")
        slot = slot_of(opening, free_seats=free, gazetteer=book.gazetteer)
        failed = unmet(candidate, slot, book.policy, today)
        if failed:
            raise RuleViolation("beneficiary_id", f"requirement_{failed[0]}",
                                f"the person does not meet the opening's requirements: {', '.join(failed)}")
        if active is not None:  # the engine's proposal elsewhere gives way to the team's
            declined = advance(active, Stage.declined, on=max(today, active.since), reasons={"rematched"},
                               reason="rematched")
            await uow.placements.move(active, declined)
            uow.emit(stage_changed(active, declined, sector=None), beneficiary_id=person.beneficiary_id,
                     organisation_id=cmd.organisation_id)
        parts = explain_pair(candidate, slot, book.policy, today)
        placement = Placement(uuid4(), opening.opening_id, opening.kind, person.beneficiary_id, cmd.organisation_id,
                              Stage.proposed, today, parts.points, pinned=True)
        await uow.placements.add(placement, parts.as_dict())
        uow.emit(proposal_made(placement, opening, parts), beneficiary_id=person.beneficiary_id,
                 organisation_id=cmd.organisation_id, project_id=opening.project_id)
        await app.matcher.rematch(uow, cmd.organisation_id, [PersonChanged(person.beneficiary_id),
                                                              OpeningChanged(opening.opening_id)], today)
    return placement
