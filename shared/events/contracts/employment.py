"""Employment's events on the person's path: proposals and stages, hires, income and workplace,
qualifications and certifications, payments. Openings travel as ids, kinds and sectors."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.events.contracts.proposals import REASON_CODE, ProposalStep, ScoredProposal
from shared.events.contracts.vocabulary import AMOUNT, ISTAT
from shared.events.envelope import EventPayload
from shared.events.registry import contract

ATECO_SECTION = r"^[A-U]$"
OpeningKind = Literal["traineeship", "bursary", "course", "job"]
Stage = Literal[
    "proposed", "interview", "offer", "started", "completed", "interrupted", "enrolled", "dropped", "declined",
    "hired",
]
ContractType = Literal["fixed_term", "permanent", "apprenticeship", "self_employed", "seasonal", "other"]


@contract
class EmploymentProposalMade(ScoredProposal):
    """The matching engine proposed an opening to the person; the score's parts are shown."""

    event_type = "employment.proposal_made"
    version = 1

    opening_id: UUID
    opening_kind: OpeningKind
    sector: str | None = Field(None, pattern=ATECO_SECTION)
    municipality: str | None = Field(None, pattern=ISTAT)


@contract
class EmploymentStageChanged(ProposalStep):
    """The person moved one stage on an opening (interview, started, completed, interrupted, ...)."""

    event_type = "employment.stage_changed"
    version = 1

    opening_id: UUID
    opening_kind: OpeningKind
    sector: str | None = Field(None, pattern=ATECO_SECTION)
    from_stage: Stage
    to_stage: Stage
    reason: str | None = Field(None, pattern=REASON_CODE, description="a code from the list")


@contract
class EmploymentHired(EventPayload):
    """The person was hired: an outcome of the path."""

    event_type = "employment.hired"
    version = 1

    contract_type: ContractType
    sector: str | None = Field(None, pattern=ATECO_SECTION)
    municipality: str | None = Field(None, pattern=ISTAT)
    hired_on: date
    weekly_hours: int | None = Field(None, ge=1, le=60)
    opening_id: UUID | None = None


@contract
class EmploymentIncomeChanged(EventPayload):
    """The person's income from work and where they work or train changed (housing matches on both)."""

    event_type = "employment.income_changed"
    version = 1

    source: Literal["bursary", "traineeship", "contract", "none"]
    monthly_income_eur: str = Field(pattern=AMOUNT)
    since: date
    until: date | None = None
    workplace_municipality: str | None = Field(None, pattern=ISTAT)


@contract
class QualificationRecognitionChanged(EventPayload):
    """A foreign qualification's recognition moved (requested, in progress, recognised, refused)."""

    event_type = "employment.qualification_recognition_changed"
    version = 1

    recognition_id: UUID
    status: Literal["requested", "in_progress", "recognised", "refused"]
    changed_on: date
    level: str | None = Field(None, pattern=r"^[a-z_]{1,40}$", description="e.g. secondary, bachelor")


@contract
class SkillsCertified(EventPayload):
    """A skills certification's result."""

    event_type = "employment.skills_certified"
    version = 1

    certification_id: UUID
    sector: str | None = Field(None, pattern=ATECO_SECTION)
    result: Literal["certified", "partially_certified", "not_certified"]
    certified_on: date


@contract
class EmploymentPaymentMade(EventPayload):
    """A month of a traineeship allowance or a bursary was paid from a project's fund."""

    event_type = "employment.payment_made"
    version = 1

    payment_id: UUID
    kind: Literal["traineeship_allowance", "bursary"]
    opening_id: UUID
    fund_id: UUID
    project_id: str
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount_eur: str = Field(pattern=AMOUNT)
    paid_on: date
