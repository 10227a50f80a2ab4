"""Commands for funding projects. The lead organisation is the caller's, from the token."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationInfo, field_validator

from intake.domain.projects import Funder, ProjectRuleViolation, WorkPackage, check_budget, check_period
from intake.service_layer.commands_common import InputModel, Text, provinces_on_file, rule_error, unique
from shared.types import no_negative_zero, plain_money

ProjectCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")]
OrganisationId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class BudgetLineIn(InputModel):
    work_package: WorkPackage
    amount_eur: Annotated[Decimal, BeforeValidator(plain_money), Field(ge=0, max_digits=14, decimal_places=2),
                          AfterValidator(no_negative_zero)]  # a plain decimal string, as Euros


class ProjectIn(InputModel):
    funder: Funder
    code: ProjectCode
    title: Text
    partners: list[OrganisationId] = Field(default_factory=list, max_length=50)
    territories: list[ProvinceCode] = Field(
        min_length=1, max_length=110, description="Italian province codes, e.g. RM, MI")
    start_date: dt.date
    end_date: dt.date
    budget: list[BudgetLineIn] = Field(default_factory=list, max_length=20)

    @field_validator("partners")
    @classmethod
    def _without_repeats(cls, value: list[str]) -> list[str]:
        return unique(value)

    @field_validator("territories")
    @classmethod
    def _real_provinces(cls, value: list[str]) -> list[str]:
        return provinces_on_file(value, "territories")

    @field_validator("end_date")
    @classmethod
    def _ends_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start_date")
        if start is not None:
            try:
                check_period(start, value)
            except ProjectRuleViolation as exc:
                raise rule_error(exc.rule, exc.message) from exc
        return value

    @field_validator("budget")
    @classmethod
    def _each_package_once(cls, value: list[BudgetLineIn]) -> list[BudgetLineIn]:
        try:
            check_budget((line.work_package, line.amount_eur) for line in value)
        except ProjectRuleViolation as exc:
            raise rule_error(exc.rule, exc.message) from exc
        return value


class ProjectEnrolmentIn(InputModel):
    """One more project for a person already taken in charge (led by or partnered with the caller's organisation)."""

    project_id: Text
