"""Rent advances and furniture / utilities contributions, paid from a project's funds.

A support is requested (amount, months of rent for an advance, the lease it is for), approved against
the fund, then paid; or refused. Money is Decimal euros. Whether the fund still has the amount is
decided twice: here, for a clear refusal, and by the adapter's single conditional UPDATE, which is what
holds when two approvals race (the domain check alone could pass for both)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from housing.domain.rules import FundRules
from shared.errors import Conflict, RuleViolation
from shared.funds import CENT, ProjectFund, is_cents
from shared.funds import fund_exhausted as _exhausted


class FundKind(StrEnum):
    rent_advance = "rent_advance"
    contributions = "contributions"


class SupportKind(StrEnum):
    rent_advance = "rent_advance"
    furniture = "furniture"
    utilities = "utilities"


class SupportStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    paid = "paid"
    refused = "refused"


@dataclass(frozen=True)
class Fund(ProjectFund):
    """A project fund (`shared.funds`): its `total` is the ledger's budget, moved by the shared rules."""

    BUDGET: ClassVar[str] = "total"

    kind: FundKind
    total: Decimal
    cap_per_person: Decimal

    @property
    def available(self) -> Decimal:
        """What housing's team calls the uncommitted part of the fund."""
        return self.ledger.uncommitted


@dataclass(frozen=True)
class Lease:
    """What a rent advance is paid against: months of rent on a registered lease at its monthly rent.
    A contribution carries none of it; a rent advance needs all three."""

    months: int | None = None
    monthly_rent: Decimal | None = None
    ref: str | None = None

    def for_advance(self, amount: Decimal, *, max_months: int) -> Lease:
        """The lease as an advance of `amount` needs it (1 to `max_months` months, the monthly rent to the
        cent, the amount within those months of rent, the lease named), or the violation naming the field."""
        if self.months is None or not 1 <= self.months <= max_months:
            raise RuleViolation("months", "rent_advance_months", f"months of rent from 1 to {max_months}")
        if self.monthly_rent is None:
            raise RuleViolation("monthly_rent", "required", "a rent advance needs the lease's monthly rent")
        rent = money(self.monthly_rent, "monthly_rent")
        if amount > rent * self.months:
            raise RuleViolation("amount", "advance_within_months",
                                f"at most {self.months} months of rent: {rent * self.months} EUR")
        if not self.ref:
            raise RuleViolation("lease_ref", "required", "say which lease the advance is for")
        return replace(self, monthly_rent=rent)


@dataclass(frozen=True)
class Support:
    support_id: UUID
    fund_id: UUID
    organisation_id: str
    beneficiary_id: UUID
    kind: SupportKind
    amount: Decimal
    status: SupportStatus
    requested_on: date
    lease: Lease = Lease()


def money(value: Decimal, field: str) -> Decimal:
    if value <= 0:
        raise RuleViolation(field, "amount_positive", "must be more than 0")
    if not is_cents(value):
        raise RuleViolation(field, "amount_cents", "at most two decimals (euro cents)")
    return value.quantize(CENT)


def new_fund(fund_id: UUID, organisation_id: str, project_id: str, kind: FundKind, total: Decimal,
             cap_per_person: Decimal) -> Fund:
    total, cap_per_person = money(total, "total"), money(cap_per_person, "cap_per_person")
    if cap_per_person > total:
        raise RuleViolation("cap_per_person", "cap_within_total", "the cap per person cannot exceed the total")
    return Fund(fund_id, organisation_id, project_id, kind, total, cap_per_person)


def request(support_id: UUID, fund: Fund, beneficiary_id: UUID, kind: SupportKind, amount: Decimal,
            today: date, rules: FundRules, *, already: Decimal, lease: Lease = Lease()) -> Support:
    """`already`: what this person has requested, approved or been paid from this fund so far."""
    amount = money(amount, "amount")
    if kind is SupportKind.rent_advance:
        if fund.kind is not FundKind.rent_advance:
            raise RuleViolation("fund_id", "fund_kind", "a rent advance is paid from a rent-advance fund")
        lease = lease.for_advance(amount, max_months=rules.max_months)
    elif fund.kind is not FundKind.contributions:
        raise RuleViolation("fund_id", "fund_kind",
                            "a furniture or utilities contribution is paid from a contributions fund")
    if already + amount > fund.cap_per_person:
        raise RuleViolation("amount", "cap_per_person",
                            f"the fund gives at most {fund.cap_per_person} EUR per person; {already} EUR already")
    return Support(support_id, fund.fund_id, fund.organisation_id, beneficiary_id, kind, amount,
                   SupportStatus.requested, today, lease)


def approve(s: Support, fund: Fund) -> Support:
    if s.status is not SupportStatus.requested:
        raise Conflict(f"only a requested support can be approved; this one is {s.status.value}",
                       rule="approve_not_allowed", field="status")
    if fund.ledger.commit(s.amount) is None:
        raise fund_exhausted(s.amount, fund.available)
    return replace(s, status=SupportStatus.approved)


def fund_exhausted(amount: Decimal, available: Decimal) -> Conflict:
    return _exhausted(f"the fund has {available} EUR left, less than the {amount} EUR asked", field="amount",
                      available_eur=available)


def pay(s: Support) -> Support:
    if s.status is not SupportStatus.approved:
        raise Conflict(f"only an approved support can be paid; this one is {s.status.value}",
                       rule="pay_not_allowed", field="status")
    return replace(s, status=SupportStatus.paid)


def refuse(s: Support) -> Support:
    if s.status is not SupportStatus.requested:
        raise Conflict(f"only a requested support can be refused; this one is {s.status.value}",
                       rule="refuse_not_allowed", field="status")
    return replace(s, status=SupportStatus.refused)
