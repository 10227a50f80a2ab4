"""The one fund ledger both housing and employment keep: exact euros, never past the budget."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from shared.errors import Conflict
from shared.funds import Ledger, MemoryLedgers, ProjectFund, fund_exhausted, is_cents
from shared.funds_sql import SqlLedgers
from shared.types import Euros


def test_amounts_to_the_cent_only():
    assert is_cents(Decimal("10")) and is_cents(Decimal("10.5")) and is_cents(Decimal("0.01"))
    assert not is_cents(Decimal("0.001")) and not is_cents(Decimal("10.005"))


def test_a_ledger_commits_and_pays_up_to_its_budget_and_not_a_cent_more():
    led = Ledger(Decimal("1000.00"))
    led2 = led.commit(Decimal("999.99"))
    assert led2 == Ledger(Decimal("1000.00"), Decimal("999.99"), Decimal("0"))
    assert led2.uncommitted == Decimal("0.01")
    assert led2.commit(Decimal("0.02")) is None
    assert led2.commit(Decimal("0.01")) == Ledger(Decimal("1000.00"), Decimal("1000.00"), Decimal("0"))
    paid = led2.pay(Decimal("1000.00"))
    assert paid is not None and paid.unpaid == Decimal("0.00")
    assert paid.pay(Decimal("0.01")) is None
    assert led2.release(Decimal("0.99")).committed == Decimal("999.00")


def test_a_budget_is_never_revised_below_what_is_paid_or_committed():
    led = Ledger(Decimal("1000"), committed=Decimal("600"), paid=Decimal("200"))
    assert led.revise(Decimal("599.99")) is None
    assert led.revise(Decimal("600")) == Ledger(Decimal("600"), Decimal("600"), Decimal("200"))
    assert Ledger(Decimal("1000"), paid=Decimal("700")).revise(Decimal("699")) is None


def test_the_refusal_is_one_409_naming_field_rule_and_what_is_left_as_a_string():
    e = fund_exhausted("no", field="amount", available_eur=Decimal("12.30"))
    assert isinstance(e, Conflict)
    assert (e.rule, e.field, e.extra["available_eur"]) == ("fund_exhausted", "amount", "12.30")


@dataclass(frozen=True)
class _Fund(ProjectFund):
    """A service's fund as the shared base shapes it: its own name for the budget and fields of its own."""

    BUDGET: ClassVar[str] = "total"

    name: str
    total: Decimal


def test_a_project_fund_reads_and_replaces_its_ledger_by_its_own_names():
    f = _Fund(uuid4(), "coop-a", "FAMI-1", "bursaries", Decimal("100"), committed=Decimal("10"), paid=Decimal("5"))
    assert f.ledger == Ledger(Decimal("100"), committed=Decimal("10"), paid=Decimal("5"))
    moved = f.with_ledger(Ledger(Decimal("90"), Decimal("20"), Decimal("6")))
    assert moved == replace(f, total=Decimal("90"), committed=Decimal("20"), paid=Decimal("6"))


def test_the_in_memory_twin_moves_a_service_fund_and_keeps_its_own_fields():
    f = _Fund(uuid4(), "coop-a", "FAMI-1", "bursaries", Decimal("100"))
    rows = {f.fund_id: f}
    ledgers = MemoryLedgers(rows)
    assert ledgers.commit(f.fund_id, Decimal("60"))
    assert not ledgers.commit(f.fund_id, Decimal("40.01"))
    assert ledgers.pay(f.fund_id, Decimal("60"))
    ledgers.release(f.fund_id, Decimal("10"))
    assert not ledgers.revise(f.fund_id, Decimal("59.99"))
    assert ledgers.revise(f.fund_id, Decimal("80"))
    assert rows[f.fund_id] == replace(f, total=Decimal("80"), committed=Decimal("50"), paid=Decimal("60"))


@pytest.mark.parametrize("bad", ["funds; DROP TABLE x", "Funds", "1funds", "f-unds", ""])
def test_the_sql_ledger_takes_only_plain_identifiers(bad):
    with pytest.raises(ValueError):
        SqlLedgers(None, table=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SqlLedgers(None, budget=bad)  # type: ignore[arg-type]


class _Body(BaseModel):
    amount: Euros


@pytest.mark.parametrize("bad", [10.5, "10.005", "-1", "10000000000.00"])
def test_a_euro_amount_in_a_body_is_a_decimal_string_to_the_cent(bad):
    with pytest.raises(ValidationError):
        _Body.model_validate({"amount": bad})


def test_a_euro_amount_reads_exactly_and_travels_as_a_string():
    body = _Body.model_validate({"amount": "450.10"})
    assert body.amount == Decimal("450.10") and body.model_dump(mode="json") == {"amount": "450.10"}
    assert _Body.model_validate({"amount": 450}).amount == Decimal("450")


@pytest.mark.parametrize("bad", ["1e3", "1E+3", "1.5e2", "1_000", " 12", "12 ", "+5", "Infinity", "NaN", "1.", ".5",
                                 "", 10.5])
def test_an_amount_spelt_any_other_way_than_plain_digits_is_refused_as_money_format(bad):
    with pytest.raises(ValidationError) as e:
        _Body.model_validate({"amount": bad})
    assert [err["type"] for err in e.value.errors()] == ["money_format"]


@pytest.mark.parametrize(("given", "answered"), [("450", "450.00"), ("450.1", "450.10"), ("0", "0.00"),
                                                 (7, "7.00"), ("0.05", "0.05"), ("-0", "0.00"), ("-0.00", "0.00")])
def test_every_amount_is_answered_with_exactly_two_decimals(given, answered):
    assert _Body.model_validate({"amount": given}).model_dump(mode="json") == {"amount": answered}
    assert _Body(amount=Decimal("1E+3")).model_dump(mode="json") == {"amount": "1000.00"}
