"""Events about the person: taken in charge, corrected, erased. Coarse attributes only."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from shared.events.contracts.vocabulary import ISTAT
from shared.events.envelope import EventPayload
from shared.events.registry import contract


class AgeBand(StrEnum):
    under_18 = "under_18"
    a18_24 = "18_24"
    a25_34 = "25_34"
    a35_44 = "35_44"
    a45_54 = "45_54"
    a55_64 = "55_64"
    a65_plus = "65_plus"


@contract
class BeneficiaryRegistered(EventPayload):
    """Intake took a person in charge."""

    event_type = "intake.beneficiary_registered"
    version = 1

    registered_on: date
    sex: str = Field(pattern="^[FMX]$")
    age_band: AgeBand
    legal_status: str
    reception: str | None = None
    household_size: int = Field(ge=1)
    children: int = Field(0, ge=0)
    single_parent: bool = False
    italian_level: str | None = None
    languages: list[str] = Field(default_factory=list)
    area: str | None = Field(None, description="province code where the person lives or is hosted, e.g. RM")
    project_ids: list[str] = Field(default_factory=list)
    # Added within v1 (optional, so older events still read): where the person lives and would accept to
    # live or work, the day they were really taken in charge (an imported history), and what matching needs.
    taken_in_charge_on: date | None = Field(None, description="when the path began; registered_on when absent")
    municipality: str | None = Field(None, pattern=ISTAT, description="ISTAT code of where they live")
    accepted_areas: list[str] = Field(default_factory=list, description="province codes they would live or work in")
    citizenship: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")
    driving_licence: bool | None = None
    women_inactive: bool | None = Field(None, description="a woman neither working nor seeking work at intake")
    # Added within v1 for housing (optional; absent in older events): the day the person must leave
    # reception (drives the urgency of a housing proposal) and whether they need a step-free place (a hard
    # constraint of the housing match). A date and a yes/no: no diagnosis, no free text.
    must_leave_by: date | None = Field(None, description="the day the person must leave reception, if in reception")
    step_free_need: bool | None = Field(None, description="needs a place with step-free access; None: not recorded")

    @property
    def path_started_on(self) -> date:
        return self.taken_in_charge_on or self.registered_on


@contract
class BeneficiaryEnrolledInProject(EventPayload):
    """A person already taken in charge joined one more project (the envelope's project_id is it too)."""

    event_type = "intake.beneficiary_enrolled_in_project"
    version = 1

    project_id: str
    enrolled_on: date


@contract
class BeneficiaryErased(EventPayload):
    """The person's personal data was destroyed on request; anonymous counts stand."""

    event_type = "intake.beneficiary_erased"
    version = 1

    erased_on: date


CorrectableField = Literal[
    "first_name", "last_name", "sex", "birth_date", "birth_country", "citizenship", "fiscal_code", "legal_status",
    "permit", "reception", "household", "italian_level", "education", "languages", "driving_licence", "contacts",
    "vulnerabilities", "residence", "accepted_areas", "step_free_need", "work_status",
]
_CORRECTED_ATTRIBUTES = (
    "sex", "age_band", "legal_status", "reception", "household_size", "children", "single_parent", "italian_level",
    "languages", "area", "municipality", "accepted_areas", "citizenship", "driving_licence", "must_leave_by",
    "step_free_need", "women_inactive",
)


@contract
class BeneficiaryCorrected(EventPayload):
    """Registration data were corrected. Only the names of the corrected fields travel, with the new
    value of each coarse attribute that changed; an attribute left out did not change."""

    event_type = "intake.beneficiary_corrected"
    version = 1

    corrected_on: date
    corrected_fields: list[CorrectableField] = Field(min_length=1)
    sex: str | None = Field(None, pattern="^[FMX]$")
    age_band: AgeBand | None = None
    legal_status: str | None = None
    reception: str | None = None
    household_size: int | None = Field(None, ge=1)
    children: int | None = Field(None, ge=0)
    single_parent: bool | None = None
    italian_level: str | None = None
    languages: list[str] | None = None
    area: str | None = None
    municipality: str | None = Field(None, pattern=ISTAT)
    accepted_areas: list[str] | None = None
    citizenship: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    driving_licence: bool | None = None
    must_leave_by: date | None = None  # a reception corrected with a new leave-by date
    step_free_need: bool | None = None
    # Added within v1 (optional; absent in older events): a correction of the work status or of the sex that
    # changes whether she is a woman neither working nor seeking work at intake. False also when the work
    # status is cleared (here null means unchanged); the status itself stays in intake.
    women_inactive: bool | None = None

    @model_serializer(mode="wrap")
    def _only_changed(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None or k not in _CORRECTED_ATTRIBUTES}

    def changed_attributes(self) -> dict[str, Any]:
        """The coarse attributes this correction changed, with their new values."""
        return {k: getattr(self, k) for k in _CORRECTED_ATTRIBUTES if getattr(self, k) is not None}


# Decimal amounts travel as strings so no float rounding touches money or reported hours.
