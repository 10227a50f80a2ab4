"""Project funds and the monthly instalments paid from them (allowances paid by the project, bursaries).

Money is Decimal euros to the cent. A fund is never committed nor paid beyond its budget: the
domain says what that means here; the adapters make it hold under concurrent requests (one
conditional UPDATE), and the in-memory twin applies the same check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from employment.domain.calendar import add_months
from shared.errors import Conflict, RuleViolation

CENT = Decimal("0.01")


def euros(value: Decimal, *, field: str) -> Decimal:
    """The amount to the cent, or a violation naming the field (more than two decimals, negative, too large)."""
    if value != value.quantize(CENT) or value < 0 or value >= Decimal("10000000000"):
        raise RuleViolation(field, "euro_amount", "an amount is 0 or more euros with at most two decimals")
    return value.quantize(CENT)


@dataclass(frozen=True)
class Fund:
    fund_id: UUID
    organisation_id: str
    project_id: str
    name: str
    budget: Decimal
    committed: Decimal = Decimal("0")
    paid: Decimal = Decimal("0")

    @property
    def uncommitted(self) -> Decimal:
        return self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.budget - self.paid


def check_commitment(fund: Fund, amount: Decimal) -> None:
    """Refuse a commitment the fund cannot cover (the SQL guard repeats this atomically)."""
    if fund.committed + amount > fund.budget:
        raise Conflict(
            f"fund {fund.name} cannot commit EUR {amount}: EUR {fund.uncommitted} left uncommitted",
            rule="fund_exhausted", field="fund_id", uncommitted_eur=str(fund.uncommitted),
        )


def check_payment(fund: Fund, amount: Decimal) -> None:
    if fund.paid + amount > fund.budget:
        raise Conflict(
            f"fund {fund.name} cannot pay EUR {amount}: EUR {fund.unpaid} left",
            rule="fund_exhausted", field="fund_id", left_eur=str(fund.unpaid),
        )


@dataclass(frozen=True)
class Instalment:
    placement_id: UUID
    month_no: int
    due_on: date
    amount: Decimal


def schedule(placement_id: UUID, *, start: date, months: int, monthly: Decimal) -> list[Instalment]:
    """One instalment per month of the placement, due on the month's last day."""
    return [
        Instalment(placement_id, k, add_months(start, k) - timedelta(days=1), monthly)
        for k in range(1, months + 1)
    ]


def due_in_month(instalments: list[Instalment], *, year: int, month: int) -> list[Instalment]:
    return [i for i in instalments if (i.due_on.year, i.due_on.month) == (year, month)]
