"""What reporting's routes answer, so /openapi.json describes every body."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class CellOut(BaseModel):
    organisation_id: str | None = Field(description="None: all organisations of the report together")
    dimension: str | None = Field(description="the breakdown; None: the total")
    dimension_label: str
    category: str | None
    category_label: str
    value: int | str | None = Field(description="counts as integers, euros and hours as decimal strings; "
                                                "None when withheld")
    withheld: str | None = Field(description="primary or secondary when withheld, else None")
    withheld_label: str = Field("", description="the same in the report's language; empty when published")


class FigureOut(BaseModel):
    indicator: str
    label: str
    definition: str = Field(description="what is counted, from which events, on which date")
    unit: str
    unit_label: str = Field("", description="the unit in the report's language (persone, euro, ore)")
    chart: bool
    breakdowns: list[str]
    crossed: list[str] = Field(default_factory=list, description="two-way tables, `a*b`, whose cells are `ca|cb`")
    total: int | str | None
    total_withheld: str | None
    cells: list[CellOut]


class WithheldOut(BaseModel):
    indicator: str
    organisation_id: str | None
    dimension: str | None
    category: str | None
    reason: str
    why: str


class SuppressionOut(BaseModel):
    applied: bool
    rule: str
    minimum_people: int | None = None
    withheld: list[WithheldOut]


class PeriodOut(BaseModel):
    start: str
    end: str


class ReportOut(BaseModel):
    title: str
    indicator_set: str
    indicator_set_title: str
    subject: dict[str, str]
    period: PeriodOut
    as_of: str = Field(description="only events recorded up to this instant are counted")
    language: str
    suppression: SuppressionOut
    figures: list[FigureOut]


class IndicatorOut(BaseModel):
    id: str
    label: str
    definition: str
    unit: str
    breakdowns: list[str]
    crossed: list[str] = Field(default_factory=list, description="two-way tables, `a*b`, whose cells are `ca|cb`")
    rule: dict


class IndicatorSetOut(BaseModel):
    id: str
    title: str
    description: str
    indicators: list[IndicatorOut]


class TimelineEventOut(BaseModel):
    event_id: str
    event_type: str
    schema_version: int
    producer: str
    occurred_on: str
    recorded_at: str
    organisation_id: str
    project_id: str | None
    words: str
    payload: dict


class TimelineOut(BaseModel):
    beneficiary_id: str
    as_of: str
    language: str
    events: list[TimelineEventOut]


class BudgetLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not a line left out

    work_package: str = Field(min_length=1, max_length=80)
    budget_line: str = Field(min_length=1, max_length=80)
    amount_eur: str = Field(pattern=r"^\d{1,10}(\.\d{1,2})?$")


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # "partner" for "partners" would register no partner

    funder: str = Field(min_length=1, max_length=80)
    title: str = Field(min_length=1, max_length=200)
    lead_organisation_id: str = Field(min_length=1, max_length=80)
    partners: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=100)
    budget: list[BudgetLineIn] = Field(default_factory=list, max_length=200)


class BudgetLineOut(BaseModel):
    work_package: str
    budget_line: str
    amount_eur: str


class BudgetVersionOut(BaseModel):
    version: int = Field(description="1, 2, ... per project: each PUT records one, the earlier ones are kept")
    recorded_at: str = Field(description="when it was recorded; in force from then until the next version")
    budget_eur: str
    lines: list[BudgetLineOut]


class BudgetAsOfOut(BaseModel):
    project_id: str
    as_of: str
    budget: BudgetVersionOut | None = Field(description="the version in force then; null before the first PUT")


class ProjectOut(BaseModel):
    project_id: str
    funder: str
    lead_organisation_id: str
    partners: list[str]
    budget: BudgetVersionOut = Field(description="the budget version this PUT recorded")


class SpendingLineOut(BaseModel):
    work_package: str
    budget_line: str
    budget_eur: str | None = Field(description="null when no budget was in force at the as-of time")
    spent_eur: str
    left_eur: str | None = Field(description="budget minus spent; null when no budget was in force")
    sources: list[str] = Field(description="what is charged to this line: event types with their kind and status")


class SpendingOut(BaseModel):
    project_id: str
    as_of: str
    lines: list[SpendingLineOut]
    spent_eur: str
    budget_eur: str | None = Field(description="the budget in force at the as-of time; null before the first PUT")
    budget_version: int | None = Field(description="which version of the budget the spending is set against")
    budget_recorded_at: str | None = Field(description="when that version was recorded")
    definition: str = Field(description="what is counted as spent, from which events, as of which date")


class GenerationOut(BaseModel):
    generation: int
    state: str
    events: int | None


class RebuildOut(BaseModel):
    generation: int
    facts: int
    seconds: float
