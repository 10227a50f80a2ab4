"""The command that registers a person (presa in carico). The organisation comes from the token."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from intake.adapters import consent_data, places_data
from intake.domain import places
from intake.domain.consent import GivenBy, LegalBasis, check_guardian
from intake.domain.duplicates import Candidate
from intake.domain.enums import (
    IN_RECEPTION,
    EducationLevel,
    ItalianLevel,
    LegalStatus,
    LegalStatusRuleViolation,
    PermitDocument,
    ReceptionKind,
    Sex,
    VulnerabilityFlag,
    WorkStatus,
    check_legal_status_age,
)
from intake.domain.fiscal_code import consistent_with, parse_fiscal_code
from intake.domain.permit import Permit, PermitRuleViolation, check_dates, check_number
from intake.service_layer.commands_common import (
    BirthDate,
    Citizenship,
    CountryCode,
    InputModel,
    LanguageCode,
    Name,
    PastDate,
    PastYear,
    Text,
    provinces_on_file,
    registration_day,
    rule_error,
    unique,
)
from shared.errors import RuleViolation
from shared.types import LegalBool

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ]*")
_PHONE_DIGITS = (6, 15)  # E.164 allows at most 15 digits


# The purposes are a data file (services/intake/data/consent_purposes.csv); 'processing' is always among them.
ConsentScope = StrEnum("ConsentScope", {code: code for code in consent_data.purposes()})  # type: ignore[misc]


class PermitIn(InputModel):
    document: PermitDocument
    reason: Text
    number: Text
    # Only a postal receipt has it: the 12-character number of the registered mail.
    registered_mail_number: str | None = Field(None, max_length=40, validate_default=True)
    questura: Text
    issue_date: PastDate
    expiry_date: dt.date
    renewal_pending: LegalBool = False

    @field_validator("number", "registered_mail_number")
    @classmethod
    def _number_fits_document(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = value.upper() if value is not None else None
        document = info.data.get("document")
        if document is not None:
            try:
                check_number(document, info.field_name or "number", value)
            except PermitRuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from exc
        return value

    @field_validator("expiry_date")
    @classmethod
    def _expires_after_issue(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        issue_date = info.data.get("issue_date")
        if issue_date is not None:
            try:
                check_dates(issue_date, value)
            except PermitRuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from exc
        return value

    def as_permit(self) -> Permit:
        """The domain's permit, which checks the same rules again as it is built."""
        return Permit(
            document=self.document, reason=self.reason, number=self.number, questura=self.questura,
            issue_date=self.issue_date, expiry_date=self.expiry_date, renewal_pending=self.renewal_pending,
            registered_mail_number=self.registered_mail_number,
        )


class ReceptionIn(InputModel):
    kind: ReceptionKind
    centre: Text | None = None
    must_leave_by: dt.date | None = None

    @field_validator("must_leave_by")
    @classmethod
    def _only_in_reception(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        kind = info.data.get("kind")
        if value is not None and kind is not None and kind not in IN_RECEPTION:
            raise rule_error(
                "must_leave_by_outside_reception",
                f"must_leave_by applies only to a person in reception ({', '.join(sorted(IN_RECEPTION))}), "
                f"not to '{kind}'",
            )
        return value


class ChildIn(InputModel):
    age: int = Field(ge=0, le=17)


class HouseholdIn(InputModel):
    # size comes last so its rule can see the children listed before it.
    children: list[ChildIn] = Field(default_factory=list, max_length=20)
    single_parent: LegalBool = False
    size: int = Field(ge=1, le=50)

    @field_validator("single_parent")
    @classmethod
    def _single_parent_has_children(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("children") == []:
            raise rule_error("single_parent_without_children", "a single parent needs at least one child")
        return value

    @field_validator("size")
    @classmethod
    def _counts_everyone(cls, value: int, info: ValidationInfo) -> int:
        children = info.data.get("children")
        if children is not None and value < 1 + len(children):
            raise rule_error(
                "household_too_small",
                f"size {value} is less than {1 + len(children)}: the person plus {len(children)} listed child(ren)",
            )
        return value


class QualificationIn(InputModel):
    title: Text
    country: CountryCode
    year: PastYear


class EducationIn(InputModel):
    highest_level: EducationLevel
    qualifications_abroad: list[QualificationIn] = Field(default_factory=list, max_length=20)


class ContactsIn(InputModel):
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: Text | None = None

    @field_validator("phone")
    @classmethod
    def _phone_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = sum(char.isdigit() for char in value)
        low, high = _PHONE_DIGITS
        if not _PHONE.fullmatch(value) or not low <= digits <= high:
            raise rule_error(
                "phone_format",
                f"phone must be digits and spaces with an optional leading '+', {low} to {high} digits",
            )
        return value

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value):
            raise rule_error("email_format", f"'{value}' is not an e-mail address like name@example.org")
        return value


class ConsentIn(InputModel):
    given: LegalBool
    date: PastDate
    scope: list[ConsentScope] = Field(max_length=10)
    legal_basis: LegalBasis = LegalBasis.consent
    notice_version: Text = Field("unrecorded", max_length=40, description="version of the privacy notice shown")
    given_by: GivenBy | None = Field(
        None, description="the person, or the guardian of an unaccompanied minor (the default for one)")
    expires_on: dt.date | None = None

    @field_validator("given")
    @classmethod
    def _must_be_given(cls, value: bool) -> bool:
        if not value:
            raise rule_error("consent_not_given", "consent must be given: without consent no path starts")
        return value

    @field_validator("scope")
    @classmethod
    def _covers_processing(cls, value: list[ConsentScope]) -> list[ConsentScope]:
        if not value:
            raise rule_error("consent_scope_empty", "scope must list at least one purpose")
        # Registering the person is itself processing, so any consent must cover it.
        if "processing" not in value:  # ConsentScope's members come from a data file
            raise rule_error("consent_scope_without_processing", "scope must include 'processing'")
        return unique(value)

    @field_validator("expires_on")
    @classmethod
    def _expires_after_given(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        given_on = info.data.get("date")
        if value is not None and given_on is not None and value <= given_on:
            raise rule_error("expiry_not_after_given", f"expires_on {value.isoformat()} must be after "
                                                       f"{given_on.isoformat()}")
        return value


ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
IstatCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class ResidenceIn(InputModel):
    """Where the person lives or is hosted: the province, and the municipality by its ISTAT code
    (either may be given alone; the province follows from the municipality)."""

    province: ProvinceCode | None = None
    municipality: IstatCode | None = None

    @model_validator(mode="after")
    def _real_place(self) -> ResidenceIn:
        province, errors = places.residence(places_data.places(), province=self.province,
                                            municipality=self.municipality)
        if errors:
            first = errors[0]
            raise rule_error(first.rule, first.message)
        if province is None:
            raise rule_error("residence_empty", "give the province, the municipality's ISTAT code, or both")
        self.province = province
        return self


class BeneficiaryIn(InputModel):
    # sex and birth_date come before fiscal_code, whose rule cross-checks them.
    first_name: Name
    last_name: Name
    sex: Sex
    birth_date: BirthDate
    birth_country: CountryCode
    citizenship: Citizenship
    # Before legal_status, whose minor rule is judged on this day; a caseload's history is dated in the past.
    taken_in_charge_on: PastDate | None = Field(
        None, description="the day the person was taken in charge, if before today (never in the future)")
    fiscal_code: str | None = Field(None, max_length=32)
    legal_status: LegalStatus
    permit: PermitIn | None = None
    reception: ReceptionIn
    household: HouseholdIn
    italian_level: ItalianLevel
    education: EducationIn | None = None
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    driving_licence: bool | None = None
    contacts: ContactsIn | None = None
    consent: ConsentIn
    project_ids: list[Text] = Field(max_length=20)
    vulnerabilities: list[VulnerabilityFlag] = Field(default_factory=list, max_length=20)
    residence: ResidenceIn | None = None
    accepted_areas: list[ProvinceCode] = Field(
        default_factory=list, max_length=107, description="provinces where the person would accept to live or work")
    step_free_need: LegalBool | None = Field(
        None, description="needs a place with step-free access (housing's hard constraint); a yes/no, no reason")
    work_status: WorkStatus | None = Field(
        None, description="work status when taken in charge (labour-force categories); null: not recorded")

    @field_validator("accepted_areas")
    @classmethod
    def _real_provinces(cls, value: list[str]) -> list[str]:
        return provinces_on_file(value, "accepted_areas")

    @field_validator("taken_in_charge_on")
    @classmethod
    def _not_before_birth(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        birth_date = info.data.get("birth_date")
        if value is not None and birth_date is not None and value < birth_date:
            raise rule_error("taken_in_charge_before_birth",
                             f"{value.isoformat()} is before the birth date {birth_date.isoformat()}")
        return value

    def candidate(self) -> Candidate:
        """The person as the duplicate check sees them."""
        return Candidate(self.fiscal_code, self.first_name, self.last_name, self.birth_date, self.birth_country)

    @field_validator("fiscal_code")
    @classmethod
    def _valid_and_consistent(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        try:
            code = parse_fiscal_code(value)
        except ValueError as exc:
            raise rule_error("fiscal_code_invalid", str(exc)) from exc
        sex, birth_date = info.data.get("sex"), info.data.get("birth_date")
        if sex is not None and birth_date is not None:
            mismatches = consistent_with(code, sex=sex, birth_date=birth_date)
            if mismatches:
                raise rule_error(
                    "fiscal_code_mismatch",
                    "fiscal code does not match the registration: " + "; ".join(mismatches),
                )
        birth_country = info.data.get("birth_country")
        if code.place_code is not None and birth_country is not None:
            wrong_place = places.birth_place_mismatch(places_data.places(), code.place_code, birth_country)
            if wrong_place:
                raise rule_error("fiscal_code_place", wrong_place)
        return code.value

    @field_validator("legal_status")
    @classmethod
    def _minor_under_18(cls, value: LegalStatus, info: ValidationInfo) -> LegalStatus:
        """Checked on the registration date: today, or the stored one when a correction re-validates
        the registration (context `registered_on`), so a minor who has since turned 18 stays valid."""
        birth_date = info.data.get("birth_date")
        if birth_date is not None:
            try:
                check_legal_status_age(value, birth_date, info.data.get("taken_in_charge_on") or registration_day(info))
            except LegalStatusRuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from exc
        return value

    @field_validator("consent")
    @classmethod
    def _not_before_birth_consent(cls, value: ConsentIn, info: ValidationInfo) -> ConsentIn:
        birth_date = info.data.get("birth_date")
        if birth_date is not None and value.date < birth_date:
            raise rule_error("consent_before_birth", f"consent.date {value.date.isoformat()} is before the birth "
                                                     f"date {birth_date.isoformat()}")
        return value

    @field_validator("consent")
    @classmethod
    def _minor_consents_through_guardian(cls, value: ConsentIn, info: ValidationInfo) -> ConsentIn:
        if value.given_by is None:  # before info.data, which copies every field validated so far
            return value
        status = info.data.get("legal_status")
        if status is not None:
            try:
                check_guardian(value.given_by.value, status.value)
            except RuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from None
        return value

    @field_validator("languages", "vulnerabilities")
    @classmethod
    def _without_repeats(cls, value: list) -> list:
        return unique(value)

    @field_validator("project_ids")
    @classmethod
    def _at_least_one_project(cls, value: list[str]) -> list[str]:
        if not value:
            raise rule_error("project_required", "at least one project id is needed: every path runs in a project")
        return unique(value)
