"""Consent by purpose (GDPR art. 6, 7 and 9, as OpenSPP's consent model records it): per purpose,
with its legal basis, the privacy notice's version, the day, who gave it and an optional expiry;
withdrawn per purpose at any time. The purposes are a data file; these rules only look at them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.errors import Conflict, RuleViolation

PROCESSING = "processing"


class LegalBasis(StrEnum):
    """GDPR art. 6(1) (a) to (f)."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interest = "vital_interest"
    public_task = "public_task"
    legitimate_interest = "legitimate_interest"


class GivenBy(StrEnum):
    person = "person"
    guardian = "guardian"  # of an unaccompanied minor


@dataclass(frozen=True)
class Purpose:
    code: str
    name_en: str
    name_it: str
    acted_on_by: str  # the service that acts on it ('' when only intake does)


@dataclass(frozen=True)
class ConsentState:
    """A purpose's latest row: given (with its expiry) or withdrawn."""

    purpose: str
    given: bool
    expires_on: date | None = None
    on: date | None = None  # the day it was given or withdrawn

    def in_force(self, today: date) -> bool:
        return self.given and (self.expires_on is None or self.expires_on >= today)


def check_give(purpose: str, known: Sequence[str], given_on: date, expires_on: date | None,
               current: ConsentState | None, today: date) -> None:
    """A consent can be given to a known purpose, not expiring before it is given, and not twice."""
    if purpose not in known:
        raise RuleViolation("purpose", "unknown_purpose", f"'{purpose}' is not one of {', '.join(known)}")
    if expires_on is not None and expires_on <= given_on:
        raise RuleViolation("expires_on", "expiry_not_after_given",
                            f"expires_on {expires_on.isoformat()} must be after {given_on.isoformat()}")
    if current is not None and current.in_force(today):
        raise Conflict(f"consent to {purpose} is already given: withdraw it first to record a new one",
                       rule="consent_already_given", field="purpose")
    if current is not None and current.on is not None and given_on < current.on:
        raise RuleViolation("given_on", "before_last_change",
                            f"given_on {given_on.isoformat()} is before the last change to {purpose}, on "
                            f"{current.on.isoformat()}: a purpose's history goes forward in time")


def check_withdraw(purpose: str, known: Sequence[str], current: ConsentState | None, withdrawn_on: date,
                   today: date) -> None:
    """A consent in force to a known purpose can be withdrawn, on or after the day it was given."""
    if purpose not in known:
        raise RuleViolation("purpose", "unknown_purpose", f"'{purpose}' is not one of {', '.join(known)}")
    if current is None or not current.given:
        raise Conflict(f"no consent to {purpose} is in force: nothing to withdraw", rule="consent_not_given",
                       field="purpose")
    if current.on is not None and withdrawn_on < current.on:
        raise RuleViolation("withdrawn_on", "withdrawn_before_given",
                            f"withdrawn_on {withdrawn_on.isoformat()} is before the consent to {purpose} was given, "
                            f"on {current.on.isoformat()}")


def check_guardian(given_by: str, legal_status: str) -> None:
    """An unaccompanied minor's consent is given by their guardian."""
    if legal_status == "unaccompanied_minor" and given_by != GivenBy.guardian:
        raise RuleViolation("given_by", "minor_consent_by_guardian",
                            "an unaccompanied minor's consent is given by their guardian (given_by: guardian)")
