"""The service layer's own commands: what the entrypoints translate requests into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from housing.domain.funds import FundKind, SupportKind
from housing.domain.offer import GenderPolicy, PlaceKind


@dataclass(frozen=True)
class RecordPlace:
    organisation_id: str
    kind: PlaceKind
    municipality: str
    beds_total: int
    beds_free: int
    gender_policy: GenderPolicy = GenderPolicy.mixed
    step_free: bool = False
    monthly_cost_per_bed: Decimal = Decimal("0")
    available_from: date | None = None
    available_to: date | None = None
    languages: frozenset[str] = frozenset()
    host_sexes: frozenset[str] = frozenset()
    host_age_bands: frozenset[str] = frozenset()
    host_children_ok: bool = True
    address: str | None = None
    managing_organisation: str | None = None
    place_id: UUID | None = None  # set to update an existing place


@dataclass(frozen=True)
class ProposeManually:
    organisation_id: str
    beneficiary_id: UUID
    place_id: UUID


@dataclass(frozen=True)
class ProposalStep:
    organisation_id: str
    proposal_id: UUID
    action: str  # accept, confirm, move_in, move_out, decline
    actor: str = "team"
    reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CreateFund:
    organisation_id: str
    project_id: str
    kind: FundKind
    total: Decimal
    cap_per_person: Decimal


@dataclass(frozen=True)
class RequestSupport:
    organisation_id: str
    fund_id: UUID
    beneficiary_id: UUID
    kind: SupportKind
    amount: Decimal
    months: int | None = None
    monthly_rent: Decimal | None = None
    lease_ref: str | None = None


@dataclass(frozen=True)
class SupportStep:
    organisation_id: str
    support_id: UUID
    action: str  # approve, pay, refuse
