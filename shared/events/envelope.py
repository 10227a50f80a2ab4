"""The one envelope every event travels in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """Metadata of one event plus its payload. The beneficiary id is also the Kafka key."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: datetime
    recorded_at: datetime = Field(default_factory=utcnow)
    beneficiary_id: UUID
    organisation_id: str
    project_id: str | None = None
    correlation_id: UUID
    causation_id: UUID | None = None
    producer: str
    payload: dict[str, Any]


class EventPayload(BaseModel):
    """Base of every event contract. Unknown fields are ignored so newer producers don't break
    older consumers; `event_type` and `version` identify the contract on the wire."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[int]


@dataclass(frozen=True, slots=True)
class Event:
    """An envelope whose payload has been validated against its contract; a consumed event also
    carries the trace context of its processing, which the events it causes continue."""

    envelope: Envelope
    payload: EventPayload
    trace_context: Mapping[str, str] = field(default_factory=dict)

    @property
    def event_id(self) -> UUID:
        return self.envelope.event_id

    @property
    def event_type(self) -> str:
        return self.envelope.event_type

    @property
    def beneficiary_id(self) -> UUID:
        return self.envelope.beneficiary_id
