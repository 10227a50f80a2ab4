"""Re-matching through the unit of work: load the organisation's waiting households, its places and its
open proposals; solve (the whole organisation, or the neighbourhood of one event); then turn the
difference into proposals made and proposals superseded, each an event.

Beds held by proposals the team has accepted are not free to the matcher; proposals nobody has acted on
yet ('proposed') are the matcher's own and may be replaced by a better plan. The current plan is the
warm start: an event's re-match never lowers the total."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import UUID, uuid4

import numpy as np

from housing.domain.demand import Household
from housing.domain.geo import Municipalities
from housing.domain.matching.dynamic import Edges, Future, decide
from housing.domain.matching.engine import full_match
from housing.domain.matching.graph import CandidateGraph, build_graph
from housing.domain.matching.incremental import local_rematch
from housing.domain.offer import Place
from housing.domain.rules import ScoringRules, WorkflowRules
from housing.domain.scoring import explain
from housing.domain.workflow import SUPERSEDED, Proposal, Status, decline
from housing.service_layer.events import proposal_made, status_changed
from housing.service_layer.unit_of_work import HousingUnitOfWork


@dataclass(frozen=True)
class Rematch:
    organisation_id: str
    today: date
    households: frozenset[UUID] = frozenset()  # seeds; none and no places: the full re-match
    places: frozenset[UUID] = frozenset()
    hold_for_arrivals: bool = False  # propose to the households due now, the others wait (Ahani et al.)


@dataclass(frozen=True)
class RematchResult:
    made: int
    superseded: int
    waiting: int
    objective: float
    bound: float | None  # the full re-match's proven upper bound


def _capacity(places: list[Place], open_proposals: list[Proposal]) -> list[int]:
    held: dict[UUID, int] = {}
    for p in open_proposals:
        if p.holds_beds:
            held[p.place_id] = held.get(p.place_id, 0) + p.household_size
    return [max(0, pl.beds_free - held.get(pl.place_id, 0)) for pl in places]


async def rematch(uow: HousingUnitOfWork, cmd: Rematch, scoring: ScoringRules, workflow: WorkflowRules,
                  geo: Municipalities) -> RematchResult:
    open_proposals = await uow.proposals.open(cmd.organisation_id)
    committed = {p.beneficiary_id for p in open_proposals if not p.matchers}
    households = [h for h in await uow.households.matchable(cmd.organisation_id) if h.beneficiary_id not in committed]
    places = await uow.places.active(cmd.organisation_id)
    ours = {p.beneficiary_id: p for p in open_proposals if p.matchers}
    # a 'proposed' proposal whose household left the list (consent withdrawn, housed) is superseded too
    h_index = {h.beneficiary_id: i for i, h in enumerate(households)}
    p_index = {p.place_id: j for j, p in enumerate(places)}
    graph = build_graph(households, places, cmd.today, scoring, geo, capacity=_capacity(places, open_proposals))
    current = np.full(len(households), -1, dtype=np.int64)
    for bid, prop in ours.items():
        if bid in h_index and prop.place_id in p_index:
            current[h_index[bid]] = p_index[prop.place_id]
    lost = ~_edge_exists(graph, current) | _over_capacity(graph, current)
    current[lost] = -1
    bound: float | None
    if cmd.households or cmd.places:
        seeds_h = [h_index[b] for b in cmd.households if b in h_index]
        seeds_h += [int(i) for i in np.nonzero(lost)[0]]
        seeds_p = [p_index[p] for p in cmd.places if p in p_index]
        seeds_p += [p_index[ours[b].place_id] for b in cmd.households if b in ours and ours[b].place_id in p_index]
        place_of, _ = local_rematch(graph, current, seed_households=seeds_h, seed_places=seeds_p)
        bound = None
    else:
        if cmd.hold_for_arrivals:
            forecast = await uow.households.arrived_since(cmd.organisation_id,
                                                          cmd.today - timedelta(weeks=scoring.forecast_weeks))
            place_of = _hold_for_arrivals(graph, households, places, forecast, cmd, scoring, geo)
            bound = None  # only the due households are decided: no bound over the whole list applies
        else:
            m = full_match(graph)
            place_of = m.place_of
            bound = m.bound
    return await _apply(uow, cmd, graph, households, places, ours, place_of, scoring, workflow, bound)


def _hold_for_arrivals(graph: CandidateGraph, households: list[Household], places: list[Place],
                       forecast: list[Household], cmd: Rematch, scoring: ScoringRules,
                       geo: Municipalities) -> np.ndarray:
    """Proposals for the households due to leave reception within `due_within_days` (or with no date, so
    no known room to wait), decided against the beds' potentials of domain.matching.dynamic; the
    others wait, and compete in every sampled future with the arrivals expected in the next
    `forecast_weeks`: each future takes, for each coming week, the arrivals of one past week drawn at
    random (the recent weeks resampled, as the paper samples arrival trajectories from past years).

    A place recorded ahead, free only after the lead window, takes no proposal today but is in every
    future (`_opening_later`): the beds the team already knows are coming lower what the beds free now
    are worth to the rest of the list."""
    due_by = cmd.today + timedelta(days=scoring.due_within_days)
    due = np.array([h.leave_by is None or h.leave_by <= due_by for h in households], dtype=bool)
    due_ix, waiting_ix = np.nonzero(due)[0], np.nonzero(~due)[0]
    first = np.nonzero(due[graph.hi])[0]
    capacity = graph.places.capacity
    edges = Edges(np.searchsorted(due_ix, graph.hi[first]), graph.pi[first], graph.weight[first],
                  graph.households.size[graph.hi[first]])
    weeks: dict[int, list[Household]] = {}
    for h in forecast:
        weeks.setdefault(min(scoring.forecast_weeks - 1, (cmd.today - h.waiting_since).days // 7), []).append(h)
    rng = random.Random(cmd.today.toordinal())  # the same day's run gives the same answer
    waiting = [households[i] for i in waiting_ix]
    seen, opens = _opening_later(places, cmd.today, scoring)
    futures = []
    for _ in range(scoring.samples if forecast else 1):  # no recent arrivals: the waiting list alone
        drawn = [(k, h) for k in range(scoring.forecast_weeks)
                 for h in weeks.get(rng.randrange(scoring.forecast_weeks), [])]
        expected = [_expected(h, cmd.today + timedelta(weeks=k)) for k, h in drawn]
        g = build_graph(waiting + expected, seen, cmd.today, scoring, geo, capacity=capacity)
        ok = opens[g.pi] <= g.households.leave_by[g.hi]  # a bed opening later: for those still waiting then
        w = np.where(g.hi >= len(waiting), g.weight * scoring.future_discount, g.weight)[ok]
        futures.append(Future(Edges(g.hi[ok], g.pi[ok], w, g.households.size[g.hi[ok]]),
                              len(waiting) + len(expected), np.zeros(0, dtype=np.int64)))
    decision = decide(edges, capacity, futures)
    place_of = np.full(len(households), -1, dtype=np.int64)
    chosen = first[decision.chosen]
    place_of[graph.hi[chosen]] = graph.pi[chosen]
    return place_of


def _expected(h: Household, arrives: date) -> Household:
    """A past arrival drawn for a coming week: the same household, new to the list on `arrives`, with as
    long as it had before it must leave reception (its own date would already have passed)."""
    leave_by = h.leave_by + (arrives - h.waiting_since) if h.leave_by else None
    return replace(h, beneficiary_id=uuid4(), waiting_since=arrives, leave_by=leave_by, excluded_places=frozenset(),
                   status="waiting", consent=True)


def _opening_later(places: list[Place], today: date, scoring: ScoringRules) -> tuple[list[Place], np.ndarray]:
    """The places as the futures see them, and the day each opens (as an ordinal; 0 for those open now).

    A place free only after the lead window has no edge today; in a future it is a place open from its
    date, so it is moved to the window's edge with its whole period (a host family keeps its length of
    stay), and its edges are kept for the households still waiting when it opens."""
    edge = today + timedelta(days=scoring.lead_days)
    seen, opens = [], np.zeros(len(places), dtype=np.int64)
    for j, p in enumerate(places):
        if p.available_from is None or p.available_from <= edge:
            seen.append(p)
            continue
        shift = p.available_from - edge
        seen.append(replace(p, available_from=edge,
                            available_to=p.available_to - shift if p.available_to else None))
        opens[j] = p.available_from.toordinal()
    return seen, opens


def _over_capacity(graph: CandidateGraph, current: np.ndarray) -> np.ndarray:
    """Per household: is it among the matcher's proposals that no longer fit their place together (beds
    accepted for someone else, fewer beds recorded)? At each place the best-scoring ones keep it."""
    over = np.zeros(len(current), dtype=bool)
    hit = np.nonzero((current[graph.hi] == graph.pi) & (current[graph.hi] >= 0))[0]
    if not len(hit):
        return over
    hit = hit[np.lexsort((-graph.weight[hit], graph.pi[hit]))]
    sizes = graph.households.size[graph.hi[hit]].astype(np.int64)
    places = graph.pi[hit]
    start = np.searchsorted(places, places, side="left")
    used = np.cumsum(sizes)
    before = np.where(start > 0, used[np.maximum(start - 1, 0)], 0)
    over[graph.hi[hit[used - before > graph.places.capacity[places]]]] = True
    return over


def _edge_exists(graph: CandidateGraph, current: np.ndarray) -> np.ndarray:
    """Per household: is its current place still a candidate (constraints may have changed)?"""
    ok = np.zeros(len(current), dtype=bool)
    hit = current[graph.hi] == graph.pi
    ok[graph.hi[hit]] = True
    return ok | (current < 0)


async def _apply(uow: HousingUnitOfWork, cmd: Rematch, graph: CandidateGraph, households: list[Household],
                 places: list[Place], ours: dict[UUID, Proposal], place_of: np.ndarray, scoring: ScoringRules,
                 workflow: WorkflowRules,
                 bound: float | None) -> RematchResult:
    edge_of = np.full(len(households), -1, dtype=np.int64)
    chosen = np.nonzero((place_of[graph.hi] == graph.pi) & (place_of[graph.hi] >= 0))[0]
    edge_of[graph.hi[chosen]] = chosen
    superseded = made = 0
    objective = 0.0
    target = {households[i].beneficiary_id: places[int(j)] for i, j in enumerate(place_of) if j >= 0}
    full = not (cmd.households or cmd.places)
    rescored = []
    for bid, prop in ours.items():
        new = target.get(bid)
        if new is not None and new.place_id == prop.place_id:
            continue
        step = decline(prop, "system", SUPERSEDED, None, cmd.today, workflow)
        if not await uow.proposals.save(step.proposal, expected=Status.proposed):
            continue  # the team acted on it since this re-match read it (accepted, declined): theirs stands
        uow.emit(status_changed(step, _kind(places, prop.place_id), cmd.today, SUPERSEDED),
                 beneficiary_id=bid, organisation_id=cmd.organisation_id)
        superseded += 1
    for i, j in enumerate(place_of):
        if j < 0:
            continue
        e = int(edge_of[i])
        objective += float(graph.weight[e])
        h, pl = households[i], places[int(j)]
        score = explain(graph.parts[e], h.size, scoring)
        kept = ours.get(h.beneficiary_id)
        if kept is not None and kept.place_id == pl.place_id:
            if full or h.beneficiary_id in cmd.households or pl.place_id in cmd.places:
                rescored.append((kept.proposal_id, score.total, score.parts))  # income, workplace, cost changed
            continue
        prop = Proposal(uuid4(), cmd.organisation_id, h.beneficiary_id, pl.place_id, h.size, Status.proposed,
                        cmd.today, cmd.today)
        if not await uow.proposals.add(prop, score=score.total, parts=score.parts):
            continue  # the person was given a proposal since this re-match read the list (by hand, elsewhere)
        uow.emit(proposal_made(prop, pl, score), beneficiary_id=h.beneficiary_id, organisation_id=cmd.organisation_id)
        made += 1
    await uow.proposals.rescore(rescored)
    return RematchResult(made, superseded, int((place_of < 0).sum()), objective, bound)


def _kind(places: Iterable[Place], place_id: UUID) -> str:
    return next((p.kind.value for p in places if p.place_id == place_id), "cohousing")
