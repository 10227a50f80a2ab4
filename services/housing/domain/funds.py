"""Rent advances and furniture / utilities contributions, paid from a project's funds.

A support is requested (amount, months of rent for an advance, the lease it is for), approved against
the fund, then paid; or refused. Money is Decimal euros. Whether the fund still has the amount is
decided twice: here, for a clear refusal, and by the adapter's single conditional UPDATE, which is what
holds when two approvals race (the domain check alone could pass for both). What one person may have
from a fund (its cap per person, six months of rent: rules/funds.yaml) is checked at the request,
counting all that is not refused, and again at the approval, counting what is approved or paid, with
the fund's row locked so that approvals of one fund are decided one at a time.

Every field a refusal names is the request's own (`amount_eur`, `monthly_rent_eur`), so a client
finds what to change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from housing.domain.rules import FundRules
from shared.errors import Conflict, RuleViolation, Violations
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

    def problems(self, kind: SupportKind, *, max_months: int) -> list[RuleViolation]:
        """Every lease field that is wrong for a support of `kind`, at once, named as the request names it:
        a contribution carries none; a rent advance needs all three (1 to `max_months` months)."""
        sent = {"months": self.months, "monthly_rent_eur": self.monthly_rent, "lease_ref": self.ref}
        if kind is not SupportKind.rent_advance:
            return [RuleViolation(f, "rent_advance_only", f"only a rent advance carries {f}")
                    for f, v in sent.items() if v is not None]
        out = []
        if self.months is None or not 1 <= self.months <= max_months:
            out.append(RuleViolation("months", "rent_advance_months", f"months of rent from 1 to {max_months}"))
        if self.monthly_rent is None:
            out.append(RuleViolation("monthly_rent_eur", "required", "a rent advance needs the lease's monthly rent"))
        else:
            out.extend(money_problems(self.monthly_rent, "monthly_rent_eur"))
        if not (self.ref or "").strip():
            out.append(RuleViolation("lease_ref", "required", "say which lease the advance is for"))
        return out

    def for_advance(self, amount: Decimal, *, max_months: int, held: Held) -> Lease:
        """The lease of an advance of `amount` whose fields are sound (`problems` is empty): the amount
        within its months of rent, and the person's months from the fund, `held` included, within
        `max_months`; or every violation of the two."""
        assert self.months is not None and self.monthly_rent is not None
        rent = self.monthly_rent.quantize(CENT)
        out = []
        if amount > rent * self.months:
            out.append(RuleViolation("amount_eur", "advance_within_months",
                                     f"at most {self.months} months of rent: {rent * self.months} EUR"))
        if held.months + self.months > max_months:
            out.append(RuleViolation("months", MONTHS_PER_PERSON, _months_message(held.months, max_months)))
        if out:
            raise Violations(out)
        return replace(self, monthly_rent=rent)


MONTHS_PER_PERSON = "rent_advance_months_per_person"


def _months_message(held: int, max_months: int) -> str:
    left = max(0, max_months - held)
    return (f"at most {max_months} months of rent per person from this fund: {held} already requested, approved "
            f"or paid (not refused), so {left} more at most")


@dataclass(frozen=True)
class Held:
    """What one person already has from one fund, over the supports in some statuses (`STANDING` at a
    request, `COMMITTED` at an approval): the amount, and the months of rent of the rent advances."""

    amount: Decimal = Decimal(0)
    months: int = 0


# A request counts everything not refused (what is asked may yet be approved); an approval, what is
# approved or paid: the binding check, made with the fund locked, so two approvals cannot both pass it.
STANDING = frozenset({SupportStatus.requested, SupportStatus.approved, SupportStatus.paid})
COMMITTED = frozenset({SupportStatus.approved, SupportStatus.paid})


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


def money_problems(value: Decimal, field: str) -> list[RuleViolation]:
    """What is wrong with an amount of money (none, or one violation naming `field`)."""
    if value <= 0:
        return [RuleViolation(field, "amount_positive", "must be more than 0")]
    if not is_cents(value):
        return [RuleViolation(field, "amount_cents", "at most two decimals (euro cents)")]
    return []


def _raise_any(problems: list[RuleViolation]) -> None:
    if problems:
        raise Violations(problems)


def new_fund(fund_id: UUID, organisation_id: str, project_id: str, kind: FundKind, total: Decimal,
             cap_per_person: Decimal) -> Fund:
    """A fund; every broken rule at once, each naming the request's field. The project is not checked
    against a list (housing has none): only that its id is printable with no space at either end."""
    problems = money_problems(total, "total_eur") + money_problems(cap_per_person, "cap_per_person_eur")
    if not project_id or project_id != project_id.strip() or not project_id.isprintable():
        problems.append(RuleViolation("project_id", "project_id_format",
                                      "a project id: printable, not blank, no space at either end"))
    if not problems and cap_per_person > total:
        problems.append(RuleViolation("cap_per_person_eur", "cap_within_total",
                                      "the cap per person cannot exceed the total"))
    _raise_any(problems)
    return Fund(fund_id, organisation_id, project_id, kind, total.quantize(CENT), cap_per_person.quantize(CENT))


def fund_exists(existing: Fund) -> Conflict:
    """A project has one fund of each kind per organisation: a second would split one budget in two."""
    return Conflict(f"project {existing.project_id} has a {existing.kind.value} fund already: {existing.fund_id}",
                    rule="fund_exists", field="project_id", fund_id=str(existing.fund_id))


def request(support_id: UUID, fund: Fund, beneficiary_id: UUID, kind: SupportKind, amount: Decimal,
            today: date, rules: FundRules, *, held: Held, lease: Lease = Lease()) -> Support:
    """`held`: what this person has from this fund in the `STANDING` statuses. Every broken rule of the
    request's own fields is reported at once; the limits that depend on them follow once they are sound."""
    if kind is SupportKind.rent_advance and fund.kind is not FundKind.rent_advance:
        raise RuleViolation("fund_id", "fund_kind", "a rent advance is paid from a rent-advance fund")
    if kind is not SupportKind.rent_advance and fund.kind is not FundKind.contributions:
        raise RuleViolation("fund_id", "fund_kind",
                            "a furniture or utilities contribution is paid from a contributions fund")
    _raise_any(money_problems(amount, "amount_eur") + lease.problems(kind, max_months=rules.max_months))
    amount = amount.quantize(CENT)
    if kind is SupportKind.rent_advance:
        lease = lease.for_advance(amount, max_months=rules.max_months, held=held)
    if held.amount + amount > fund.cap_per_person:
        raise RuleViolation("amount_eur", "cap_per_person",
                            f"the fund gives at most {fund.cap_per_person} EUR per person; {held.amount} EUR already")
    return Support(support_id, fund.fund_id, fund.organisation_id, beneficiary_id, kind, amount,
                   SupportStatus.requested, today, lease)


def approve(s: Support, fund: Fund, rules: FundRules, *, held: Held) -> Support:
    """`held`: what the person has from the fund in the `COMMITTED` statuses, read with the fund locked.
    The limits per person are checked again here because two requests can pass them side by side."""
    if s.status is not SupportStatus.requested:
        raise Conflict(f"only a requested support can be approved; this one is {s.status.value}",
                       rule="approve_not_allowed", field="status")
    months = s.lease.months or 0
    if s.kind is SupportKind.rent_advance and held.months + months > rules.max_months:
        raise Conflict(f"{held.months} months of rent already approved or paid to this person from this fund; "
                       f"{months} more would pass the {rules.max_months} months per person",
                       rule=MONTHS_PER_PERSON, field="months", months_committed=held.months)
    if held.amount + s.amount > fund.cap_per_person:
        raise Conflict(f"{held.amount} EUR already approved or paid to this person from this fund; {s.amount} EUR "
                       f"more would pass its {fund.cap_per_person} EUR per person",
                       rule="cap_per_person", field="amount_eur", committed_eur=str(held.amount))
    if fund.ledger.commit(s.amount) is None:
        raise fund_exhausted(s.amount, fund.available)
    return replace(s, status=SupportStatus.approved)


def fund_exhausted(amount: Decimal, available: Decimal) -> Conflict:
    return _exhausted(f"the fund has {available} EUR left, less than the {amount} EUR asked", field="amount_eur",
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
