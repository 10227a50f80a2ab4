"""What every service's commands have in common: they act for one organisation.

A caller only ever works on its own organisation's records (the principal's organisation), so each
command carries it first; a use case reads or changes nothing of another organisation's. Commands
subclass `ForOrganisation` and add their own fields after it, so `Command(organisation_id, ...)`
reads as it always has."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class ForOrganisation:
    """A command done for one organisation: the one whose records it may read and change."""

    organisation_id: str


@dataclass(frozen=True)
class ProposeByHand(ForOrganisation):
    """The team proposes one person for one item of its offer (a housing place, an employment opening)
    by hand, outside the engine's rounds: the engine's hard rules still hold, and the item is kept for them."""

    beneficiary_id: UUID
    offer_id: UUID
