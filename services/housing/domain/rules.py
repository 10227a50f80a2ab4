"""Housing's rules as data: scoring weights, workflow reasons, fund limits, read from `rules/*.yaml`.

They change by funder, region or year, so they are files with tests, not constants in code. Loading
fails fast with the file and key that are wrong."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.events.contracts.vocabulary import PathStatus

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PARTS = ("affordability", "distance", "languages", "waiting", "urgency", "vulnerability")
ACTORS = ("team", "person", "host", "administrative")


class RulesError(ValueError):
    """A rules file is missing a key or holds a value out of range."""


def _load(name: str, directory: Path) -> dict[str, Any]:
    path = directory / name
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top")
    return data


def _get(data: dict[str, Any], dotted: str, source: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise RulesError(f"{source}: missing key {dotted!r}")
        node = node[key]
    return node


@dataclass(frozen=True)
class ScoringRules:
    weights: tuple[float, ...]  # in the order of PARTS
    per_person: bool
    income_share_ceiling: float
    reference_rent_per_bed: float
    max_km: float
    distance_unknown: float
    cohousing_languages: float
    waiting_horizon_days: int
    urgency_horizon_days: int
    lead_days: int
    min_stay_days: int
    forecast_weeks: int = 8
    future_discount: float = 0.9
    due_within_days: int = 7
    samples: int = 8

    def weight(self, part: str) -> float:
        return self.weights[PARTS.index(part)]


@dataclass(frozen=True)
class MoveOutReason:
    """A reason for moving out, listed in `move_out_reasons` under its code: whether it closes the
    person's housing goal (autonomy reached, transferred) or leaves it open (end of period, conflict)."""

    closes_goal: bool


@dataclass(frozen=True)
class WorkflowRules:
    stalled_after_days: int
    decline_reasons: dict[str, tuple[str, ...]]
    move_out_reasons: dict[str, MoveOutReason]
    path_closing_statuses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FundRules:
    max_months: int
    contribution_kinds: tuple[str, ...]


def scoring_rules(directory: Path = RULES_DIR) -> ScoringRules:
    src = str(directory / "scoring.yaml")
    d = _load("scoring.yaml", directory)
    weights = tuple(float(_get(d, f"weights.{p}", src)) for p in PARTS)
    if any(w < 0 for w in weights):
        raise RulesError(f"{src}: weights must be >= 0")
    rules = ScoringRules(
        weights=weights, per_person=bool(_get(d, "per_person", src)),
        income_share_ceiling=float(Decimal(str(_get(d, "affordability.income_share_ceiling", src)))),
        reference_rent_per_bed=float(Decimal(str(_get(d, "affordability.reference_rent_per_bed", src)))),
        max_km=float(_get(d, "distance.max_km", src)), distance_unknown=float(_get(d, "distance.unknown", src)),
        cohousing_languages=float(_get(d, "languages.cohousing", src)),
        waiting_horizon_days=int(_get(d, "waiting.horizon_days", src)),
        urgency_horizon_days=int(_get(d, "urgency.horizon_days", src)),
        lead_days=int(_get(d, "period.lead_days", src)), min_stay_days=int(_get(d, "period.min_stay_days", src)),
        forecast_weeks=int(_get(d, "potentials.forecast_weeks", src)),
        future_discount=float(_get(d, "potentials.future_discount", src)),
        due_within_days=int(_get(d, "potentials.due_within_days", src)),
        samples=int(_get(d, "potentials.samples", src)),
    )
    if rules.samples < 1 or rules.due_within_days < 0:
        raise RulesError(f"{src}: potentials.samples must be >= 1 and potentials.due_within_days >= 0")
    if not 0 < rules.future_discount <= 1:
        raise RulesError(f"{src}: potentials.future_discount must be in (0, 1]")
    if not 0 < rules.income_share_ceiling <= 1:
        raise RulesError(f"{src}: affordability.income_share_ceiling must be in (0, 1]")
    if rules.max_km <= 0 or rules.reference_rent_per_bed <= 0:
        raise RulesError(f"{src}: distance.max_km and affordability.reference_rent_per_bed must be > 0")
    return rules


def workflow_rules(directory: Path = RULES_DIR) -> WorkflowRules:
    src = str(directory / "workflow.yaml")
    d = _load("workflow.yaml", directory)
    reasons = {a: tuple(_get(d, f"decline_reasons.{a}", src)) for a in ACTORS}
    for actor, codes in reasons.items():
        if not codes or codes[-1] != "other":
            raise RulesError(f"{src}: decline_reasons.{actor} must end with 'other'")
    move_out = {
        code: MoveOutReason(bool(_get(spec, "closes_goal", src)))
        for code, spec in _get(d, "move_out_reasons", src).items()
    }
    days = int(_get(d, "stalled_after_days", src))
    if days < 1:
        raise RulesError(f"{src}: stalled_after_days must be >= 1")
    closing = _get(d, "path_closing_statuses", src)
    if not isinstance(closing, list) or not set(closing) <= {s.value for s in PathStatus}:
        raise RulesError(f"{src}: path_closing_statuses must be a list of path statuses "
                         f"({', '.join(s.value for s in PathStatus)})")
    return WorkflowRules(stalled_after_days=days, decline_reasons=reasons, move_out_reasons=move_out,
                         path_closing_statuses=frozenset(closing))


def fund_rules(directory: Path = RULES_DIR) -> FundRules:
    src = str(directory / "funds.yaml")
    d = _load("funds.yaml", directory)
    months = int(_get(d, "rent_advance.max_months", src))
    if not 1 <= months <= 12:
        raise RulesError(f"{src}: rent_advance.max_months must be in 1..12")
    return FundRules(max_months=months, contribution_kinds=tuple(_get(d, "contribution_kinds", src)))


@cache
def default_scoring() -> ScoringRules:
    return scoring_rules()


@cache
def default_workflow() -> WorkflowRules:
    return workflow_rules()


@cache
def default_funds() -> FundRules:
    return fund_rules()
