"""What every service-layer function works with: a unit-of-work factory, the rules, the municipality
table and the clock. Built once in the composition root (or by a test with the in-memory twin)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from housing.domain.geo import Municipalities, italian_municipalities
from housing.domain.rules import (
    FundRules,
    ScoringRules,
    WorkflowRules,
    default_funds,
    default_scoring,
    default_workflow,
)
from housing.service_layer.unit_of_work import HousingUnitOfWork


@dataclass
class Context:
    uow: Callable[[], HousingUnitOfWork]
    scoring: ScoringRules = field(default_factory=default_scoring)
    workflow: WorkflowRules = field(default_factory=default_workflow)
    funds: FundRules = field(default_factory=default_funds)
    geo: Municipalities = field(default_factory=italian_municipalities)
    today: Callable[[], date] = date.today
