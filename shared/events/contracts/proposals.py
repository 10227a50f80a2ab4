"""What a matching engine's proposal says on the wire in every service that makes one (housing's places,
employment's openings): which proposal, its score with the score's parts (so a reader sees why), the
day it was made; and a step of it, with a reason from a closed list. Each service's contract adds what
it proposes; these bases carry no event type of their own and are not registered."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from shared.events.envelope import EventPayload

# A code from a service's closed list (a decline or stage reason, a rules file's word): never free text.
REASON_CODE = r"^[a-z_]{1,40}$"


class ScoredProposal(EventPayload):
    proposal_id: UUID
    score: float
    score_parts: dict[str, float] = Field(default_factory=dict)
    made_on: date


class ProposalStep(EventPayload):
    proposal_id: UUID
    changed_on: date
