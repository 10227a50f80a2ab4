"""Commands that correct what was recorded: a registration's fields, or an intervention."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from intake.domain.enums import ItalianLevel, LegalStatus, Sex, VulnerabilityFlag, WorkStatus
from intake.service_layer.commands_common import (
    BirthDate,
    Citizenship,
    CountryCode,
    InputModel,
    LanguageCode,
    Name,
    Text,
    rule_error,
)
from intake.service_layer.commands_path import InterventionIn
from intake.service_layer.commands_registration import (
    ContactsIn,
    EducationIn,
    HouseholdIn,
    PermitIn,
    ProvinceCode,
    ReceptionIn,
    ResidenceIn,
)
from shared.types import LegalBool


class BeneficiaryCorrectionIn(InputModel):
    """Any of the registration's correctable fields, and why. A field sent as null clears an optional
    one. Merged with the stored fields, the whole registration is validated again as BeneficiaryIn."""

    first_name: Name | None = None
    last_name: Name | None = None
    sex: Sex | None = None
    birth_date: BirthDate | None = None
    birth_country: CountryCode | None = None
    citizenship: Citizenship | None = None
    fiscal_code: str | None = Field(None, max_length=32)
    legal_status: LegalStatus | None = None
    permit: PermitIn | None = None
    reception: ReceptionIn | None = None
    household: HouseholdIn | None = None
    italian_level: ItalianLevel | None = None
    education: EducationIn | None = None
    languages: list[LanguageCode] | None = Field(None, max_length=20)
    driving_licence: LegalBool | None = None
    contacts: ContactsIn | None = None
    vulnerabilities: list[VulnerabilityFlag] | None = Field(None, max_length=20)
    residence: ResidenceIn | None = None  # the person moved
    accepted_areas: list[ProvinceCode] | None = Field(None, max_length=107)
    step_free_need: LegalBool | None = None
    work_status: WorkStatus | None = None
    # Sealed with the person's key: it may name people and facts, so it never leaves intake.
    reason: Text

    @model_validator(mode="after")
    def _corrects_something(self) -> BeneficiaryCorrectionIn:
        if not self.model_fields_set - {"reason"}:
            raise rule_error("correction_empty", "name at least one field to correct besides the reason")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent (nulls included), as JSON values."""
        return self.model_dump(mode="json", include=self.model_fields_set - {"reason"})


class InterventionCorrectionIn(InterventionIn):
    """The intervention as it should have been recorded, whole, and why the record was wrong."""

    reason: Text
