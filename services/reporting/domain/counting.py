"""What an indicator counts, as a pure function over facts. The PostgreSQL adapter computes the
same with SQL aggregates; the contract tests run one scenario through both, so they cannot drift."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from reporting.domain.facts import PERSON_ATTRIBUTES, Fact
from reporting.domain.indicators import JOIN, Indicator, Period, Rule, crossed_parts

UNKNOWN = "unknown"
PERSON_EVENTS = ("intake.beneficiary_registered", "intake.beneficiary_corrected")
# The events that put a person in a project. A fact that names no project (a path's move, a plan, a
# housing step: their producers know no project) counts in the projects its person is in by then.
MEMBERSHIP_EVENTS = ("intake.beneficiary_registered", "intake.beneficiary_enrolled_in_project")


@dataclass(frozen=True)
class Scope:
    """Whose facts a figure counts: organisations (None: all), projects (None: any), provinces."""

    organisations: tuple[str, ...] | None = None
    projects: tuple[str, ...] | None = None
    provinces: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Query:
    indicator: Indicator
    period: Period
    as_of: datetime
    scope: Scope
    by_organisation: bool = False


@dataclass(frozen=True)
class Cell:
    """One figure: `organisation_id` None is all organisations together, `dimension` None the total.
    `people` is the distinct people behind the figure: what suppression judges it by."""

    organisation_id: str | None
    dimension: str | None
    category: str | None
    value: Decimal
    people: int


def people_as_of(facts: Iterable[Fact], as_of: datetime) -> dict[UUID, dict[str, str | None]]:
    """Each person's attributes as last recorded by `as_of` (a later correction wins, attribute by
    attribute); people registered after it are not there."""
    versions = sorted((f for f in facts if f.event_type in PERSON_EVENTS and f.recorded_at <= as_of),
                      key=lambda f: (f.recorded_at, f.event_id, f.seq))
    people: dict[UUID, dict[str, str | None]] = {}
    for fact in versions:
        person = people.setdefault(fact.beneficiary_id, dict.fromkeys(PERSON_ATTRIBUTES))
        for name in PERSON_ATTRIBUTES:
            if (value := getattr(fact, name)) is not None:
                person[name] = value
    return people


def _dated(rule: Rule, fact: Fact, period: Period) -> bool:
    if fact.occurred_on > period.end:
        return False
    return rule.period == "to_date" or fact.occurred_on >= period.start


def _excluded(rule: Rule, facts: Sequence[Fact], period: Period) -> set[UUID]:
    w = rule.without
    if w is None:
        return set()
    limit: date = period.start if w.before == "period_start" else period.end
    return {f.beneficiary_id for f in facts if f.event_type in w.events and (w.kind is None or f.kind in w.kind)
            and (w.category is None or f.category in w.category)
            and (f.occurred_on < limit if w.before == "period_start" else f.occurred_on <= limit)}


def evaluate(query: Query, all_facts: Sequence[Fact]) -> list[Cell]:
    """The indicator's cells: total and one per category of each breakdown, for all organisations
    in scope and, when asked, per organisation."""
    rule, scope = query.indicator.rule, query.scope
    known = [f for f in all_facts if f.recorded_at <= query.as_of]
    people = people_as_of(known, query.as_of)
    superseded = {f.supersedes for f in known if f.supersedes is not None}
    excluded = _excluded(rule, known, query.period)
    next_step = _next_steps(rule, known) if rule.measure == "mean_days" else {}
    members = project_members(known, scope.projects)
    chosen: list[tuple[Fact, dict[str, str | None]]] = []
    for fact in known:
        if rule.measure == "mean_days":
            if (fact.event_id, fact.seq) not in next_step:
                continue
            fact = replace(fact, quantity=Decimal((next_step[(fact.event_id, fact.seq)] - fact.occurred_on).days))
        person = people.get(fact.beneficiary_id)
        if person is None or fact.event_type not in rule.events or not _dated(rule, fact, query.period):
            continue
        if fact.record_id is not None and fact.record_id in superseded:
            continue
        if scope.organisations is not None and fact.organisation_id not in scope.organisations:
            continue
        if scope.projects is not None and fact.project_id not in scope.projects and not (
                fact.project_id is None and fact.beneficiary_id in members):
            continue
        if scope.provinces is not None and person["province"] not in scope.provinces:
            continue
        if (rule.kind is not None and fact.kind not in rule.kind) or (
                rule.category is not None and fact.category not in rule.category):
            continue
        if rule.quantity_at_least is not None and (fact.quantity or 0) < rule.quantity_at_least:
            continue
        if any(person[name] not in allowed for name, allowed in rule.person.items()):
            continue
        if fact.beneficiary_id in excluded:
            continue
        chosen.append((fact, person))
    return _aggregate(query, chosen)


def project_members(known: Sequence[Fact], projects: tuple[str, ...] | None) -> set[UUID]:
    """The people taken in charge in, or enrolled in, one of `projects` (all known facts by then)."""
    if projects is None:
        return set()
    return {f.beneficiary_id for f in known if f.event_type in MEMBERSHIP_EVENTS and f.project_id in projects}


def _next_steps(rule: Rule, known: Sequence[Fact]) -> dict[tuple[UUID, int], date]:
    """For each stage fact, the day its record (a proposal) moved on: the time spent in that stage."""
    by_record: dict[UUID, list[Fact]] = defaultdict(list)
    for fact in known:
        if fact.event_type in rule.events and fact.record_id is not None:
            by_record[fact.record_id].append(fact)
    steps: dict[tuple[UUID, int], date] = {}
    for facts in by_record.values():
        facts.sort(key=lambda f: (f.occurred_on, f.recorded_at, f.event_id))
        for this, after in zip(facts, facts[1:], strict=False):
            steps[(this.event_id, this.seq)] = after.occurred_on
    return steps


def _aggregate(query: Query, chosen: list[tuple[Fact, dict[str, str | None]]]) -> list[Cell]:
    measure = query.indicator.rule.measure
    groups: dict[tuple[str | None, str | None, str | None], list[Fact]] = defaultdict(list)
    dimensions: list[str | None] = [None, *query.indicator.tables]

    def category_of(fact: Fact, person: dict[str, str | None], dim: str) -> str:
        parts = crossed_parts(dim)
        if parts is not None:
            return JOIN.join(category_of(fact, person, d) for d in parts)
        return (person[dim] if dim in person else getattr(fact, dim)) or UNKNOWN

    for fact, person in chosen:
        orgs: list[str | None] = [None, fact.organisation_id] if query.by_organisation else [None]
        for org in orgs:
            for dim in dimensions:
                category = None if dim is None else category_of(fact, person, dim)
                groups[(org, dim, category)].append(fact)
    cells = []
    for (org, dim, category), facts in groups.items():
        cells.append(Cell(org, dim, category, measured(measure, facts), len({f.beneficiary_id for f in facts})))
    return sorted(cells, key=cell_order)


def measured(measure: str, facts: Sequence[Fact]) -> Decimal:
    if measure == "people":
        return Decimal(len({f.beneficiary_id for f in facts}))
    if measure == "events":
        return Decimal(len({f.event_id for f in facts}))
    if measure == "records":  # what the events are about: courses, proposals
        return Decimal(len({f.record_id for f in facts if f.record_id is not None}))
    column = "amount" if measure == "sum_amount" else "quantity"
    total = sum((getattr(f, column) or Decimal(0) for f in facts), Decimal(0))
    if measure == "mean_days":
        return (total / len(facts)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if facts else Decimal(0)
    return total


def cell_order(cell: Cell) -> tuple[str, str, str]:
    return (cell.organisation_id or "", cell.dimension or "", cell.category or "")
