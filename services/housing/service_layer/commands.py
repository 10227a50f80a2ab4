"""The service layer's own commands: what the entrypoints translate requests into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from housing.domain.funds import FundKind, Lease, SupportKind
from housing.domain.offer import GenderPolicy, PlaceKind
from shared.commands import ForOrganisation


@dataclass(frozen=True)
class RecordPlace(ForOrganisation):
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
class ProposalStep(ForOrganisation):
    proposal_id: UUID
    action: str  # accept, confirm, move_in, move_out, decline
    actor: str = "team"
    reason: str | None = None
    note: str | None = None
    on: date | None = None  # the day it happened, if not today


@dataclass(frozen=True)
class CreateFund(ForOrganisation):
    project_id: str
    kind: FundKind
    total: Decimal
    cap_per_person: Decimal


@dataclass(frozen=True)
class RequestSupport(ForOrganisation):
    fund_id: UUID
    beneficiary_id: UUID
    kind: SupportKind
    amount: Decimal
    lease: Lease = Lease()


@dataclass(frozen=True)
class SupportStep(ForOrganisation):
    support_id: UUID
    action: str  # approve, pay, refuse
