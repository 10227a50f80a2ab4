"""One fact per consumed event: the columns every indicator counts with. Facts are only ever
appended (keyed by event id and a per-event sequence), so a report as of a date is a filter on
`recorded_at`, a correction is a later fact that supersedes an earlier record, and a rebuild is
the same appends replayed from the topics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from shared.events.envelope import Event, EventPayload

# women_inactive: "yes" for a woman neither working nor seeking work when taken in charge, "no" otherwise,
# None when intake did not record it; a correction of it (or of the sex) is a later version, as for the others.
PERSON_ATTRIBUTES = ("sex", "age_band", "legal_status", "citizenship", "province", "women_inactive")
FACT_DIMENSIONS = ("kind", "category", "sector")


@dataclass(frozen=True, slots=True)
class Fact:
    """One counted row. `kind` and `category` are the event's two coarse attributes (what each
    means per event type is in `MAPPERS`); `amount` is euros, `quantity` hours, levels or days;
    `record_id` names the record an event is about, `supersedes` the record it replaces."""

    event_id: UUID
    seq: int
    event_type: str
    recorded_at: datetime
    occurred_on: date
    beneficiary_id: UUID
    organisation_id: str
    project_id: str | None = None
    kind: str | None = None
    category: str | None = None
    sector: str | None = None
    amount: Decimal | None = None
    quantity: Decimal | None = None
    record_id: UUID | None = None
    supersedes: UUID | None = None
    sex: str | None = None
    age_band: str | None = None
    legal_status: str | None = None
    citizenship: str | None = None
    province: str | None = None
    women_inactive: str | None = None


Mapper = Callable[[Event[EventPayload]], dict[str, Any] | list[dict[str, Any]]]
MAPPERS: dict[str, Mapper] = {}


def maps(event_type: str) -> Callable[[Mapper], Mapper]:
    """Register how one event type becomes fact columns."""

    def register(fn: Mapper) -> Mapper:
        MAPPERS[event_type] = fn
        return fn

    return register


def facts_of(event: Event[EventPayload]) -> Iterator[Fact]:
    """The facts an event contributes (a registration in two projects gives two, one per project);
    an event type with no mapper still gives one fact so that it is on the person's timeline."""
    for row in fact_rows(event):
        yield Fact(*row)


_OPTIONAL = tuple(f.name for f in fields(Fact)[8:])  # kind ... women_inactive: what a mapper may set
_MAPPED = frozenset({"occurred_on", "project_id", *_OPTIONAL})


def fact_rows(event: Event[EventPayload]) -> list[tuple[Any, ...]]:
    """`facts_of` as plain tuples in `Fact`'s field order: what a rebuild writes, a million at a time,
    without a dataclass (nor a dict per fact) made and dropped for each."""
    envelope = event.envelope
    mapper = MAPPERS.get(envelope.event_type)
    columns = mapper(event) if mapper else {}
    rows = (columns or [{}]) if isinstance(columns, list) else [columns]
    out = []
    for seq, row in enumerate(rows):
        if not row.keys() <= _MAPPED:
            raise TypeError(f"{envelope.event_type}'s mapper set {sorted(row.keys() - _MAPPED)}, not fact columns")
        get = row.get
        out.append((envelope.event_id, seq, envelope.event_type, envelope.recorded_at,
                    get("occurred_on") or envelope.occurred_at.date(), envelope.beneficiary_id,
                    envelope.organisation_id, get("project_id", envelope.project_id), *map(get, _OPTIONAL)))
    return out


def decimal_or_none(value: Any) -> Decimal | None:
    """Amounts travel as decimal strings; a float never touches them."""
    return None if value is None else Decimal(str(value))


def payload_value(event: Event[EventPayload], name: str, default: Any = None) -> Any:
    """A payload field by name, its enum value as text."""
    value = getattr(event.payload, name, default)
    return getattr(value, "value", value)


# The mappers register themselves on import; importing them here makes `facts_of` whole.
from reporting.domain import facts_intake, facts_paths  # noqa: E402, F401
