"""Housing's events on the person's path: proposals and their steps, moves in and out, rent
advances and contributions. Places travel as ids, kinds and municipalities, never addresses."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.events.contracts.proposals import REASON_CODE, ProposalStep, ScoredProposal
from shared.events.contracts.vocabulary import AMOUNT, ISTAT
from shared.events.envelope import EventPayload
from shared.events.registry import contract

PlaceKind = Literal["cohousing", "host_family"]
ProposalStatus = Literal[
    "proposed", "accepted", "confirmed_by_person", "confirmed_by_host", "confirmed", "moved_in", "moved_out",
    "declined", "stalled",
]
Actor = Literal["team", "person", "host", "administrative", "system"]
SupportKind = Literal["rent_advance", "furniture", "utilities"]


@contract
class HousingProposalMade(ScoredProposal):
    """The matching engine proposed a place for the person's household; the score's parts are shown."""

    event_type = "housing.proposal_made"
    version = 1

    place_id: UUID
    place_kind: PlaceKind
    municipality: str | None = Field(None, pattern=ISTAT)
    province: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    household_size: int = Field(ge=1)


@contract
class HousingProposalStatusChanged(ProposalStep):
    """A proposal moved one step (accepted by the team, confirmed by the person or host, declined...)."""

    event_type = "housing.proposal_status_changed"
    version = 1

    place_kind: PlaceKind
    from_status: ProposalStatus
    to_status: ProposalStatus
    actor: Actor
    decline_reason: str | None = Field(None, pattern=REASON_CODE, description="a code from the list")


@contract
class HousingMovedIn(EventPayload):
    """The household moved into the proposed place: the person leaves the waiting list."""

    event_type = "housing.moved_in"
    version = 1

    proposal_id: UUID
    place_id: UUID
    place_kind: PlaceKind
    municipality: str | None = Field(None, pattern=ISTAT)
    province: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    moved_in_on: date


@contract
class HousingMovedOut(EventPayload):
    """The household left the place; `housing_goal_closed` when the reason ends the housing goal
    (e.g. autonomy reached), otherwise the person waits again."""

    event_type = "housing.moved_out"
    version = 1

    proposal_id: UUID
    place_id: UUID
    place_kind: PlaceKind
    moved_out_on: date
    reason: str = Field(pattern=r"^[a-z_]{1,40}$")
    housing_goal_closed: bool
    autonomous_housing: bool = Field(False, description="left for a home of their own (lease, purchase)")


@contract
class HousingSupportChanged(EventPayload):
    """A rent advance or a furniture / utilities contribution was requested, approved, paid or refused,
    against a project's fund; amounts are exact decimal euros as text."""

    event_type = "housing.support_changed"
    version = 1

    support_id: UUID
    kind: SupportKind
    status: Literal["requested", "approved", "paid", "refused", "cancelled"]
    fund_id: UUID
    project_id: str
    amount_eur: str = Field(pattern=AMOUNT)
    months: int | None = Field(None, ge=1, le=6, description="months of rent, for a rent advance")
    changed_on: date
