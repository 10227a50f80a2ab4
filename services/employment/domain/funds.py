"""Project funds and the monthly instalments paid from them (allowances paid by the project, bursaries).

Money is Decimal euros to the cent. A fund is never committed nor paid beyond its budget: the
domain says what that means here; the adapters make it hold under concurrent requests (one
conditional UPDATE), and the in-memory twin applies the same check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from shared.errors import Conflict, RuleViolation
from shared.funds import CENT, ProjectFund, fund_exhausted, is_cents


def euros(value: Decimal, *, field: str) -> Decimal:
    """The amount to the cent, or a violation naming the field (more than two decimals, negative, too large)."""
    if not is_cents(value) or value < 0 or value >= Decimal("10000000000"):
        raise RuleViolation(field, "euro_amount", "an amount is 0 or more euros with at most two decimals")
    return value.quantize(CENT)


@dataclass(frozen=True)
class Fund(ProjectFund):
    """A project fund (`shared.funds`) known by its name in the project, moved by the shared rules."""

    name: str
    budget: Decimal


def check_commitment(fund: Fund | None, amount: Decimal) -> None:
    """Refuse a commitment the fund cannot cover (the SQL guard repeats this atomically)."""
    if fund is None or fund.ledger.commit(amount) is None:
        raise cannot_commit(amount, fund)


def check_payment(fund: Fund | None, amount: Decimal) -> None:
    if fund is None or fund.ledger.pay(amount) is None:
        raise cannot_pay(amount, fund)


def cannot_commit(amount: Decimal, fund: Fund | None) -> Conflict:
    """The fund's refusal of a placement's instalments, with what it has left uncommitted."""
    left = fund.ledger.uncommitted if fund else Decimal("0")
    return fund_exhausted(f"the fund cannot cover EUR {amount} for this placement: EUR {left} left uncommitted",
                          field="fund_id", uncommitted_eur=left)


def cannot_pay(amount: Decimal, fund: Fund | None) -> Conflict:
    left = fund.ledger.unpaid if fund else Decimal("0")
    return fund_exhausted(f"the fund has EUR {left} left, not the EUR {amount} due", field="fund_id", left_eur=left)


def budget_below_spent(fund: Fund) -> Conflict:
    return Conflict(f"the budget cannot go below what is paid (EUR {fund.paid}) or committed "
                    f"(EUR {fund.committed})", rule="budget_below_spent", field="budget_eur")


@dataclass(frozen=True)
class Instalment:
    placement_id: UUID
    month_no: int
    due_on: date
    amount: Decimal
