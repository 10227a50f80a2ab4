"""Consent by purpose (GDPR art. 6 and 9): given and withdrawn per purpose, so each service acts
on the purposes it needs (housing offers need `housing_referral`, work matching `employment_referral`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.envelope import EventPayload
from shared.events.registry import contract

# Purposes are a list kept as data in intake; these are the codes other services act on.
PROCESSING = "processing"
HOUSING_REFERRAL = "housing_referral"
EMPLOYMENT_REFERRAL = "employment_referral"
PURPOSE = r"^[a-z][a-z0-9_]{1,39}$"


@contract
class ConsentGiven(EventPayload):
    """The person (or the guardian of an unaccompanied minor) consented to one purpose."""

    event_type = "intake.consent_given"
    version = 1

    purpose: str = Field(pattern=PURPOSE)
    given_on: date
    legal_basis: str = Field(pattern=PURPOSE, description="e.g. consent, legal_obligation, vital_interest")
    notice_version: str = Field(max_length=40, description="version of the privacy notice shown")
    given_by: Literal["person", "guardian"]
    expires_on: date | None = None


@contract
class ConsentWithdrawn(EventPayload):
    """The consent to one purpose was withdrawn (or expired): services stop acting for it at once."""

    event_type = "intake.consent_withdrawn"
    version = 1

    purpose: str = Field(pattern=PURPOSE)
    withdrawn_on: date
    cause: Literal["withdrawn", "expired"] = "withdrawn"
