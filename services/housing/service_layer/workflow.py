"""The team's steps on a proposal, each through one unit of work with its event(s); a decline or a
move out re-matches the neighbourhood at once, in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

from housing.domain.constraints import broken_constraints
from housing.domain.demand import Household
from housing.domain.matching.graph import build_graph
from housing.domain.offer import Place
from housing.domain.scoring import Score, explain, score_pair
from housing.domain.workflow import OPEN, Proposal, Status, accept, confirm, decline, holding, move_in, move_out
from housing.service_layer.commands import ProposalStep
from housing.service_layer.context import Context
from housing.service_layer.events import moved_in, moved_out, proposal_made, status_changed
from housing.service_layer.matching import Rematch, rematch
from housing.service_layer.unit_of_work import HousingUnitOfWork
from shared.commands import ProposeByHand
from shared.errors import Conflict, NotFound, RuleViolation, Violations

# The steps that book a place's beds, each checked against the pair as it is when it is taken.
BOOKING = ("accept", "confirm", "move_in")
HOUSEHOLD_CHANGED = "household_changed"


async def _free_for(uow: HousingUnitOfWork, place: Place, but: Proposal | None = None) -> int:
    held = holding(await uow.proposals.open(place.organisation_id), place.place_id, but)
    return place.beds_free - sum(p.household_size for p in held)


async def _pair(uow: HousingUnitOfWork, organisation_id: str, p: Proposal) -> tuple[Household, Place]:
    h = await uow.households.get(p.beneficiary_id)
    found = await uow.places.get(p.place_id, organisation_id)
    if h is None or found is None:
        raise NotFound("the proposal's household or place is gone")
    return h, found[0]


def _check(h: Household, place: Place, today: date, ctx: Context, free: int) -> None:
    broken = broken_constraints(h, place, today, ctx.scoring, free_beds=free)
    if broken:
        raise Violations(RuleViolation("place_id", f"hard_constraint_{b}", f"the place breaks the {b} constraint")
                         for b in broken)


async def propose(ctx: Context, cmd: ProposeByHand) -> Proposal:
    """A proposal the team makes by hand; refused (422, naming each constraint) if it breaks any. It is
    the team's decision: it holds its beds at once, the matcher's own proposals there that no longer fit
    move on, and no re-match withdraws it."""
    today = ctx.today()
    async with ctx.uow() as uow:
        h = await uow.households.get(cmd.beneficiary_id)
        found = await uow.places.get(cmd.offer_id, cmd.organisation_id)
        if h is None or h.organisation_id != cmd.organisation_id:
            raise NotFound("no such person on the organisation's housing list", field="beneficiary_id")
        if found is None:
            raise NotFound("no such place in the organisation's offer", field="place_id")
        if not h.matchable:
            raise Conflict("the person has no housing goal, no consent to the referral, or is housed",
                           rule="not_on_waiting_list", field="beneficiary_id")
        place = found[0]
        if not found[1]["active"]:
            raise Conflict("the place was retired from the offer", rule="place_retired", field="place_id")
        await uow.places.lock(place.place_id)  # two hand proposals for the last bed: one after the other
        # then the person (after the place, as every step): two proposals for them at two places, or one
        # racing the team's accept of theirs elsewhere, run one after the other, the second on what the
        # first left
        await uow.households.lock(h.beneficiary_id)
        h = await uow.households.get(cmd.beneficiary_id) or h
        if not h.matchable:
            raise Conflict("the person has no housing goal, no consent to the referral, or is housed",
                           rule="not_on_waiting_list", field="beneficiary_id")
        current = await uow.proposals.open_of(h.beneficiary_id)
        if current is not None and current.status is not Status.proposed:
            raise Conflict("the person already has a proposal in progress", rule="one_open_proposal",
                           field="beneficiary_id", proposal_id=str(current.proposal_id))
        _check(h, place, today, ctx, await _free_for(uow, place, but=current))
        if current is not None:
            step = decline(current, "system", "superseded", None, today, ctx.workflow)
            await uow.proposals.save(step.proposal)
            uow.emit(status_changed(step, place.kind.value, today, "superseded"), beneficiary_id=h.beneficiary_id,
                     organisation_id=h.organisation_id)
        graph = build_graph([h], [place], today, ctx.scoring, ctx.geo)
        score: Score = explain(graph.parts[0], h.size, ctx.scoring)
        prop = Proposal(uuid4(), cmd.organisation_id, h.beneficiary_id, place.place_id, h.size, Status.proposed,
                        today, today, by_hand=True)
        if not await uow.proposals.add(prop, score=score.total, parts=score.parts):  # a re-match at this moment
            raise Conflict("the matcher proposed a place to the person at this moment: look again",
                           rule="one_open_proposal", field="beneficiary_id")
        uow.emit(proposal_made(prop, place, score), beneficiary_id=h.beneficiary_id, organisation_id=h.organisation_id)
        freed = {current.place_id} if current is not None else set()
        await rematch(uow, Rematch(cmd.organisation_id, today, places=frozenset({place.place_id, *freed})),
                      ctx.scoring, ctx.workflow, ctx.geo)
        return prop


async def step(ctx: Context, cmd: ProposalStep) -> Proposal:
    today = ctx.today()
    async with ctx.uow() as uow:
        p = await uow.proposals.get(cmd.proposal_id, cmd.organisation_id)
        if p is None:
            raise NotFound("no such proposal for the organisation", field="proposal_id")
        # every step runs with the place's row locked, and on the proposal as it is once the lock is ours: two
        # steps on one place run one after the other, the second on what the first left (a move out sent
        # twice frees the beds once; a decline racing the move in finds it moved in)
        await uow.places.lock(p.place_id)
        await uow.households.lock(p.beneficiary_id)  # then the person, as a hand proposal for them elsewhere does
        p = await uow.proposals.get(cmd.proposal_id, cmd.organisation_id) or p
        h, place = await _pair(uow, cmd.organisation_id, p)
        on = _step_day(cmd.on, p, today)
        kind = place.kind.value
        if cmd.action in BOOKING:
            s = (accept(p, on) if cmd.action == "accept" else confirm(p, cmd.actor, on)
                 if cmd.action == "confirm" else move_in(p, on))
            # the household or the place may have changed since the proposal (a child born, a bed taken):
            # each step that books beds checks the pair as it is now, and carries the household's size
            _check(h, place, today, ctx, await _free_for(uow, place, but=p))
            s = replace(s, proposal=replace(s.proposal, household_size=h.size))
            if cmd.action == "move_in":
                if not await uow.places.take_beds(place.place_id, s.proposal.household_size):
                    raise Conflict("the place has no longer the beds free", rule="beds_taken", field="place_id")
                await uow.households.save(h.with_changes(status="housed"))
                uow.emit(moved_in(s.proposal, place, on), beneficiary_id=h.beneficiary_id,
                         organisation_id=h.organisation_id)
        elif cmd.action == "move_out":
            s, closes = move_out(p, cmd.reason or "", cmd.note, on, ctx.workflow)
            await uow.places.free_beds(place.place_id, p.household_size)
            await uow.households.exclude(h.beneficiary_id, place.place_id)  # not offered the same place again
            if h.status != "erased":  # an erased person moves out, but never back onto a list
                await uow.households.save(h.with_changes(status="closed" if closes else "waiting"))
            uow.emit(moved_out(p, place, on, s.proposal.move_out_reason or "", closes),
                     beneficiary_id=h.beneficiary_id, organisation_id=h.organisation_id)
        elif cmd.action == "decline":
            s = decline(p, cmd.actor, cmd.reason or "", cmd.note, on, ctx.workflow)
            await uow.households.exclude(h.beneficiary_id, place.place_id)
        else:
            raise RuleViolation("action", "unknown_action", "one of accept, confirm, move_in, move_out, decline")
        if not await uow.proposals.save(s.proposal, note=cmd.note if cmd.action in ("decline", "move_out") else None,
                                        expected=p.status):
            # a re-match, which locks no person, superseded it at this very moment: nothing here is kept
            raise Conflict("the matcher took the proposal back at this moment: look again", rule="proposal_changed",
                           field="proposal_id", proposal_id=str(p.proposal_id))
        uow.emit(status_changed(s, kind, on, s.proposal.decline_reason if cmd.action == "decline" else None),
                 beneficiary_id=h.beneficiary_id, organisation_id=h.organisation_id)
        if cmd.action in ("accept", "decline", "move_out"):
            # accepting holds the beds: the matcher's own proposals there that no longer fit move on
            await rematch(uow, Rematch(cmd.organisation_id, today, frozenset({h.beneficiary_id}),
                                       frozenset({place.place_id})), ctx.scoring, ctx.workflow, ctx.geo)
        return s.proposal


def _step_day(on: date | None, p: Proposal, today: date) -> date:
    """The day a step happened: today, or the day the team says when it records the step after the fact
    (reporting dates the step by it), never before the proposal's last step nor after today."""
    if on is None:
        return today
    if on > today:
        raise RuleViolation("on", "not_in_future", "a step is recorded once it happened: today or earlier")
    if on < p.last_step_on:
        raise RuleViolation("on", "before_last_step", f"the step is dated before the proposal's last step "
                                                      f"({p.last_step_on.isoformat()})")
    return on


_RACES = 3  # re-matches in a row that change the person's proposal under a withdrawal before it gives up


async def refit(uow: HousingUnitOfWork, ctx: Context, h: Household, today: date) -> Proposal | None:
    """After the household changed: its open proposal, if the place no longer fits it (too few beds for
    the new size, a policy it no longer meets), is declined administratively (`household_changed`); if it
    still fits, it carries the new size. Returns the declined proposal."""
    p = await uow.proposals.open_of(h.beneficiary_id)
    if p is None:
        return None
    found = await uow.places.get(p.place_id, h.organisation_id)
    if found is None:
        return None
    await uow.places.lock(p.place_id)
    free = await _free_for(uow, found[0], but=p)
    if broken_constraints(h, found[0], today, ctx.scoring, free_beds=free):
        return await close_open(uow, ctx, h, HOUSEHOLD_CHANGED, today)
    if p.household_size != h.size:  # unless the matcher took it back since: then the new size is moot
        await uow.proposals.save(replace(p, household_size=h.size), expected=p.status)
    return None


async def close_open(uow: HousingUnitOfWork, ctx: Context, h: Household, reason: str, today: date) -> Proposal | None:
    """An administrative decline of the person's open proposal (consent withdrawn, erasure). A re-match may
    supersede it, and propose another, at the same moment (the matcher locks no person): the decline is
    then made on what the person holds once that re-match is over."""
    for _ in range(_RACES):
        p = await uow.proposals.open_of(h.beneficiary_id)
        if p is None or p.status not in OPEN:
            return None
        s = decline(p, "administrative", reason, None, today, ctx.workflow)
        if await uow.proposals.save(s.proposal, expected=p.status):
            found = await uow.places.get(p.place_id, h.organisation_id)
            uow.emit(status_changed(s, found[0].kind.value if found else "cohousing", today, reason),
                     beneficiary_id=h.beneficiary_id, organisation_id=h.organisation_id)
            return s.proposal
    raise Conflict("the person's proposal kept changing while it was being withdrawn", rule="proposal_changed",
                   field="beneficiary_id")


async def rescore_held(uow: HousingUnitOfWork, ctx: Context, proposals: list[Proposal], today: date) -> None:
    """The proposals the team holds (accepted, confirmed, made by hand) scored again after their household
    or place changed: the matcher re-scores only its own, and the team reads these parts when it decides."""
    scores = []
    for p in proposals:
        h = await uow.households.get(p.beneficiary_id)
        found = await uow.places.get(p.place_id, p.organisation_id)
        if h is not None and found is not None:
            s = score_pair(h, found[0], today, ctx.scoring, ctx.geo)
            scores.append((p.proposal_id, s.total, s.parts))
    await uow.proposals.rescore(scores)
