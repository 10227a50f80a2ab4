"""Housing's events, built from domain objects: ids, kinds, municipalities and codes only (an address,
a name or a decline note never reaches these)."""

from __future__ import annotations

from datetime import date

from housing.domain.funds import Fund, Support
from housing.domain.offer import Place
from housing.domain.scoring import Score
from housing.domain.workflow import Proposal, Step
from shared.events.contracts import (
    HousingMovedIn,
    HousingMovedOut,
    HousingProposalMade,
    HousingProposalStatusChanged,
    HousingSupportChanged,
)


def proposal_made(p: Proposal, place: Place, score: Score) -> HousingProposalMade:
    return HousingProposalMade(
        proposal_id=p.proposal_id, place_id=place.place_id, place_kind=place.kind.value,
        municipality=place.municipality, province=place.province, household_size=p.household_size,
        score=score.total, score_parts=score.parts, made_on=p.made_on,
    )


def status_changed(step: Step, place_kind: str, today: date, reason: str | None = None) -> HousingProposalStatusChanged:
    return HousingProposalStatusChanged(
        proposal_id=step.proposal.proposal_id, place_kind=place_kind,
        from_status=step.from_status.value, to_status=step.to_status.value,
        actor=step.actor, changed_on=today, decline_reason=reason,
    )


def moved_in(p: Proposal, place: Place, today: date) -> HousingMovedIn:
    return HousingMovedIn(proposal_id=p.proposal_id, place_id=place.place_id, place_kind=place.kind.value,
                          municipality=place.municipality, province=place.province, moved_in_on=today)


def moved_out(p: Proposal, place: Place, today: date, reason: str, closes_goal: bool) -> HousingMovedOut:
    return HousingMovedOut(proposal_id=p.proposal_id, place_id=place.place_id, place_kind=place.kind.value,
                           moved_out_on=today, reason=reason, housing_goal_closed=closes_goal,
                           autonomous_housing=reason == "autonomy_reached")


def support_changed(s: Support, fund: Fund, today: date) -> HousingSupportChanged:
    return HousingSupportChanged(
        support_id=s.support_id, kind=s.kind.value, status=s.status.value, fund_id=fund.fund_id,
        project_id=fund.project_id, amount_eur=str(s.amount), months=s.lease.months, changed_on=today,
    )
