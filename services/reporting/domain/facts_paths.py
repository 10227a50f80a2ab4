"""How consent, housing's and employment's events become facts (what `kind`, `category` and
`sector` mean for each is written beside it)."""

from __future__ import annotations

from typing import Any

from reporting.domain.facts import decimal_or_none, maps, payload_value
from shared.events.envelope import Event, EventPayload


@maps("intake.consent_given")
def _consent_given(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the purpose."""
    return {"occurred_on": payload_value(event, "given_on"), "kind": payload_value(event, "purpose")}


@maps("intake.consent_withdrawn")
def _consent_withdrawn(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the purpose; category: withdrawn or expired."""
    return {"occurred_on": payload_value(event, "withdrawn_on"), "kind": payload_value(event, "purpose"),
            "category": payload_value(event, "cause")}


@maps("housing.proposal_made")
def _housing_proposal(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: cohousing or host_family; category: the first stage, proposed."""
    return {"occurred_on": payload_value(event, "made_on"), "kind": payload_value(event, "place_kind"),
            "category": "proposed", "record_id": payload_value(event, "proposal_id"),
            "quantity": decimal_or_none(payload_value(event, "household_size"))}


@maps("housing.proposal_status_changed")
def _housing_step(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the place's kind; category: the stage entered; the proposal is the record, so the time in
    each stage is the days to the proposal's next step."""
    return {"occurred_on": payload_value(event, "changed_on"), "kind": payload_value(event, "place_kind"),
            "category": payload_value(event, "to_status"), "record_id": payload_value(event, "proposal_id")}


@maps("housing.moved_in")
def _moved_in(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "moved_in_on"), "kind": payload_value(event, "place_kind"),
            "category": "moved_in", "record_id": payload_value(event, "proposal_id")}


@maps("housing.moved_out")
def _moved_out(event: Event[EventPayload]) -> dict[str, Any]:
    """category: the reason, or autonomous_housing when they left for a home of their own."""
    autonomous = payload_value(event, "autonomous_housing")
    return {"occurred_on": payload_value(event, "moved_out_on"), "kind": payload_value(event, "place_kind"),
            "category": "autonomous_housing" if autonomous else payload_value(event, "reason"),
            "record_id": payload_value(event, "proposal_id")}


@maps("housing.support_changed")
def _support(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: rent_advance, furniture or utilities; category: its status; amount: euros; quantity: months."""
    return {"occurred_on": payload_value(event, "changed_on"), "kind": payload_value(event, "kind"),
            "category": payload_value(event, "status"), "project_id": payload_value(event, "project_id"),
            "amount": decimal_or_none(payload_value(event, "amount_eur")),
            "quantity": decimal_or_none(payload_value(event, "months")),
            "record_id": payload_value(event, "support_id")}


@maps("employment.proposal_made")
def _work_proposal(event: Event[EventPayload]) -> dict[str, Any]:
    return {"occurred_on": payload_value(event, "made_on"), "kind": payload_value(event, "opening_kind"),
            "category": "proposed", "sector": payload_value(event, "sector"),
            "record_id": payload_value(event, "proposal_id")}


@maps("employment.stage_changed")
def _work_stage(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: traineeship, bursary, course or job; category: the stage entered; sector: ATECO section."""
    return {"occurred_on": payload_value(event, "changed_on"), "kind": payload_value(event, "opening_kind"),
            "category": payload_value(event, "to_stage"), "sector": payload_value(event, "sector"),
            "record_id": payload_value(event, "proposal_id")}


@maps("employment.hired")
def _hired(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the contract type."""
    return {"occurred_on": payload_value(event, "hired_on"), "kind": payload_value(event, "contract_type"),
            "category": "hired", "sector": payload_value(event, "sector")}


@maps("employment.income_changed")
def _income(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the income's source; the monthly income is not spending, so it is a quantity, not an amount."""
    return {"occurred_on": payload_value(event, "since"), "kind": payload_value(event, "source"),
            "quantity": decimal_or_none(payload_value(event, "monthly_income_eur"))}


@maps("employment.qualification_recognition_changed")
def _recognition(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: requested, in_progress, recognised or refused; category: the level."""
    return {"occurred_on": payload_value(event, "changed_on"), "kind": payload_value(event, "status"),
            "category": payload_value(event, "level"), "record_id": payload_value(event, "recognition_id")}


@maps("employment.skills_certified")
def _certified(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: the result."""
    return {"occurred_on": payload_value(event, "certified_on"), "kind": payload_value(event, "result"),
            "sector": payload_value(event, "sector"), "record_id": payload_value(event, "certification_id")}


@maps("employment.payment_made")
def _payment(event: Event[EventPayload]) -> dict[str, Any]:
    """kind: traineeship_allowance or bursary; amount: euros."""
    return {"occurred_on": payload_value(event, "paid_on"), "kind": payload_value(event, "kind"),
            "category": "paid", "project_id": payload_value(event, "project_id"),
            "amount": decimal_or_none(payload_value(event, "amount_eur")),
            "record_id": payload_value(event, "payment_id")}
