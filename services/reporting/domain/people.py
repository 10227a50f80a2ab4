"""The anonymous attributes reporting counts people by, and how a correction changes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, NamedTuple
from uuid import UUID

from shared.events.contracts import BeneficiaryRegistered

COUNTED_ATTRIBUTES = ("sex", "age_band", "legal_status")


class CountedPerson(NamedTuple):
    """One person as the indicators count them: no personal data, the coarse attributes only."""

    beneficiary_id: UUID
    organisation_id: str
    registered_on: date
    sex: str
    age_band: str
    legal_status: str
    area: str | None


def counted_person(beneficiary_id: UUID, organisation_id: str, registered: BeneficiaryRegistered) -> CountedPerson:
    return CountedPerson(beneficiary_id, organisation_id, registered.registered_on, registered.sex,
                         registered.age_band.value, registered.legal_status, registered.area)


def corrected_attributes(changed: Mapping[str, Any]) -> dict[str, str]:
    """The counted attributes a correction carries new values for; an attribute it leaves out stays."""
    return {
        name: value.value if isinstance(value, Enum) else str(value)
        for name in COUNTED_ATTRIBUTES
        if (value := changed.get(name)) is not None
    }
