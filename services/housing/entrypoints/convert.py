"""Domain objects to response bodies (and nothing else)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from housing.domain.demand import Household
from housing.domain.funds import Fund, Support
from housing.domain.offer import Place
from housing.domain.workflow import Proposal
from housing.entrypoints.schemas import FundOut, PlaceDetail, PlaceOut, ProposalOut, SupportOut, WaitingOut


def place_out(p: Place, held: dict[UUID, int], extra: dict[str, Any] | None = None) -> PlaceOut:
    """`held`: the beds held per place (views.held_beds)."""
    fields = dict(
        place_id=p.place_id, kind=p.kind, municipality=p.municipality, province=p.province, beds_total=p.beds_total,
        beds_free=p.beds_free, gender_policy=p.gender_policy, step_free=p.step_free,
        monthly_cost_per_bed=p.monthly_cost_per_bed, available_from=p.available_from, available_to=p.available_to,
        languages=sorted(p.languages), host_sexes=sorted(p.host.sexes), host_age_bands=sorted(p.host.age_bands),
        host_children_ok=p.host.children_ok, beds_available=max(0, p.beds_free - held.get(p.place_id, 0)),
    )
    return PlaceDetail(**fields, **(extra or {})) if extra is not None else PlaceOut(**fields)


def waiting_out(h: Household, today: date) -> WaitingOut:
    return WaitingOut(beneficiary_id=h.beneficiary_id, since=h.waiting_since, household_size=h.size,
                      children=h.children, areas=sorted(h.areas), housing_goal=h.housing_goal, consent=h.consent,
                      matchable=h.matchable, leave_by=h.leave_by, days_waiting=(today - h.waiting_since).days)


def proposal_out(p: Proposal, score: float | None = None, parts: dict[str, float] | None = None,
                 stalled: bool = False) -> ProposalOut:
    return ProposalOut(
        proposal_id=p.proposal_id, beneficiary_id=p.beneficiary_id, place_id=p.place_id,
        household_size=p.household_size, status=p.status, made_on=p.made_on, last_step_on=p.last_step_on,
        person_confirmed=p.person_confirmed, host_confirmed=p.host_confirmed, decline_actor=p.decline_actor,
        decline_reason=p.decline_reason, move_out_reason=p.move_out_reason, score=score, score_parts=parts,
        stalled=stalled, by_hand=p.by_hand,
    )


def fund_out(f: Fund) -> FundOut:
    return FundOut(fund_id=f.fund_id, project_id=f.project_id, kind=f.kind, budget_eur=f.total,
                   committed_eur=f.committed, paid_eur=f.paid, available_eur=f.available,
                   cap_per_person_eur=f.cap_per_person)


def support_out(s: Support) -> SupportOut:
    return SupportOut(support_id=s.support_id, fund_id=s.fund_id, beneficiary_id=s.beneficiary_id, kind=s.kind,
                      amount_eur=s.amount, months=s.lease.months, monthly_rent_eur=s.lease.monthly_rent,
                      lease_ref=s.lease.ref, status=s.status, requested_on=s.requested_on)
