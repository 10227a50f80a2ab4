"""An indicator's counting rule as one SQL aggregate over the fact table, as of a recorded time.

The people's attributes as of that time are computed once per report into a temporary table
(`people_asof`: each attribute's latest recorded value); each indicator then groups its facts by
every breakdown at once (one row per fact and breakdown, through a lateral VALUES list), for all
organisations and per organisation. Only the indicator's own data goes into parameters; the
column names come from the closed lists in the domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from reporting.adapters.facts_sql import schema
from reporting.domain.counting import MEMBERSHIP_EVENTS, PERSON_EVENTS, UNKNOWN, Cell, Query, Scope
from reporting.domain.facts import PERSON_ATTRIBUTES
from reporting.domain.indicators import DIMENSIONS, JOIN, cross
from shared.db import Connection

_LATEST = ", ".join(
    f"(array_agg({a} ORDER BY recorded_at DESC, event_id DESC, seq DESC) FILTER (WHERE {a} IS NOT NULL))[1] AS {a}"
    for a in PERSON_ATTRIBUTES
)


async def load_people(conn: Connection, generation: int, *, as_of: datetime, scope: Scope) -> None:
    """Fill `people_asof` (dropped at the transaction's end) for the organisations in scope."""
    await conn.execute("DROP TABLE IF EXISTS people_asof")
    await conn.execute(
        f"""
        CREATE TEMP TABLE people_asof ON COMMIT DROP AS
        SELECT beneficiary_id, {_LATEST} FROM {schema(generation)}.facts
        WHERE event_type = ANY($1::text[]) AND recorded_at <= $2
          AND ($3::text[] IS NULL OR organisation_id = ANY($3))
        GROUP BY beneficiary_id
        """,
        list(PERSON_EVENTS), as_of, _list(scope.organisations),
    )
    await conn.execute("ALTER TABLE people_asof ADD PRIMARY KEY (beneficiary_id)")
    await conn.execute("ANALYZE people_asof")


def _list(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else list(values)


def compile_query(query: Query, generation: int) -> tuple[str, list[Any]]:
    """The SQL and parameters of one indicator; see the module's docstring."""
    rule, period, scope = query.indicator.rule, query.period, query.scope
    facts = f"{schema(generation)}.facts"
    params: list[Any] = [query.as_of, list(rule.events), period.end]

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    where = ["f.recorded_at <= $1", "f.event_type = ANY($2::text[])", "f.occurred_on <= $3"]
    source = f"{facts} f"
    if rule.measure == "mean_days":
        # Each stage lasts until its record's (a proposal's) next step; a stage not yet left is not counted.
        source = (f"(SELECT s.*, lead(s.occurred_on) OVER (PARTITION BY s.record_id ORDER BY s.occurred_on,"
                  f" s.recorded_at, s.event_id) AS next_on FROM {facts} s WHERE s.recorded_at <= $1"
                  f" AND s.event_type = ANY($2::text[]) AND s.record_id IS NOT NULL) f")
        where.append("f.next_on IS NOT NULL")
    if rule.period == "in_period":
        where.append(f"f.occurred_on >= {param(period.start)}")
    where.append(f"(f.record_id IS NULL OR NOT EXISTS (SELECT 1 FROM {facts} c WHERE c.supersedes = f.record_id"
                 " AND c.recorded_at <= $1))")
    for column, values in (("f.organisation_id", scope.organisations), ("p.province", scope.provinces),
                           ("f.kind", rule.kind), ("f.category", rule.category)):
        if values is not None:
            where.append(f"{column} = ANY({param(list(values))}::text[])")
    if scope.projects is not None:  # a fact naming no project counts in its person's projects
        projects = param(list(scope.projects))
        # The members are found once (a hashed subplan on the project index), not looked up per fact
        # (`reporting.project_report_ms` in services/reporting/README.md).
        where.append(f"(f.project_id = ANY({projects}::text[]) OR (f.project_id IS NULL AND f.beneficiary_id IN ("
                     f"SELECT m.beneficiary_id FROM {facts} m WHERE m.project_id = ANY({projects}::text[])"
                     f" AND m.event_type = ANY({param(list(MEMBERSHIP_EVENTS))}::text[]) AND m.recorded_at <= $1)))")
    if rule.quantity_at_least is not None:
        where.append(f"coalesce(f.quantity, 0) >= {param(Decimal(rule.quantity_at_least))}")
    for name, allowed in rule.person.items():
        where.append(f"p.{name} = ANY({param(list(allowed))}::text[])")
    if (w := rule.without) is not None:
        limit = period.start if w.before == "period_start" else period.end
        compare = "<" if w.before == "period_start" else "<="
        extra = "".join(f" AND x.{col} = ANY({param(list(vals))}::text[])"
                        for col, vals in (("kind", w.kind), ("category", w.category)) if vals is not None)
        where.append(f"NOT EXISTS (SELECT 1 FROM {facts} x WHERE x.beneficiary_id = f.beneficiary_id"
                     f" AND x.recorded_at <= $1 AND x.event_type = ANY({param(list(w.events))}::text[])"
                     f" AND x.occurred_on {compare} {param(limit)}{extra})")
    def category(d: str) -> str:
        return f"coalesce({'p' if d in PERSON_ATTRIBUTES else 'f'}.{d}, '{UNKNOWN}')"

    breakdowns = [d for d in query.indicator.breakdowns if d in DIMENSIONS]
    sources = ["(NULL::text, NULL::text)"] + [f"('{d}', {category(d)})" for d in breakdowns] + [
        f"('{cross(a, b)}', {category(a)} || '{JOIN}' || {category(b)})" for a, b in query.indicator.crossed
        if a in DIMENSIONS and b in DIMENSIONS]
    value = {
        "people": "count(DISTINCT f.beneficiary_id)", "events": "count(DISTINCT f.event_id)",
        "records": "count(DISTINCT f.record_id)",
        "sum_amount": "coalesce(sum(f.amount), 0)", "sum_quantity": "coalesce(sum(f.quantity), 0)",
        "mean_days": "round(avg(f.next_on - f.occurred_on), 2)",
    }[rule.measure]
    sets = "(d.dim, d.cat), (f.organisation_id, d.dim, d.cat)" if query.by_organisation else "(d.dim, d.cat)"
    organisation = ("CASE WHEN grouping(f.organisation_id) = 0 THEN f.organisation_id END" if query.by_organisation
                    else "NULL::text")
    sql = f"""
        SELECT {organisation} AS organisation_id,
               d.dim, d.cat, {value} AS value, count(DISTINCT f.beneficiary_id) AS people
        FROM {source} JOIN people_asof p USING (beneficiary_id)
        CROSS JOIN LATERAL (VALUES {", ".join(sources)}) AS d(dim, cat)
        WHERE {" AND ".join(where)}
        GROUP BY GROUPING SETS ({sets})
    """
    return sql, params


async def cells(conn: Connection, query: Query, generation: int) -> list[Cell]:
    sql, params = compile_query(query, generation)
    rows = await conn.fetch(sql, *params)
    return [Cell(r["organisation_id"], r["dim"], r["cat"], Decimal(r["value"]), r["people"]) for r in rows]
