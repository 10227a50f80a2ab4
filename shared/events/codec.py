"""The one place events become bytes and bytes become events."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Any, Literal, Union, cast
from uuid import UUID, uuid4

from pydantic import Field, TypeAdapter, ValidationError, create_model

from shared.events import contracts as _contracts  # noqa: F401  (registers the contracts)
from shared.events.envelope import Envelope, Event, EventPayload, new_event_id, utcnow
from shared.events.registry import current, upcast

CONTENT_TYPE = "application/json"


class PoisonEvent(Exception):
    """A record that can never be handled: undecodable, invalid, or of an unknown version."""


def envelope_for(
    payload: EventPayload,
    *,
    beneficiary_id: UUID,
    organisation_id: str,
    producer: str,
    correlation_id: UUID | None = None,
    causation_id: UUID | None = None,
    project_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope:
    """Wrap a payload in a new envelope."""
    now = utcnow()
    return Envelope(
        event_id=new_event_id(),
        event_type=payload.event_type,
        schema_version=payload.version,
        occurred_at=occurred_at or now,
        recorded_at=now,
        beneficiary_id=beneficiary_id,
        organisation_id=organisation_id,
        project_id=project_id,
        correlation_id=correlation_id or uuid4(),
        causation_id=causation_id,
        producer=producer,
        payload=payload.model_dump(mode="json"),
    )


def envelope_caused_by(payload: EventPayload, cause: Envelope, *, producer: str) -> Envelope:
    """A new event about the same person, caused by `cause`: same organisation, project and
    correlation, `cause` as its causation."""
    return envelope_for(
        payload, beneficiary_id=cause.beneficiary_id, organisation_id=cause.organisation_id, producer=producer,
        correlation_id=cause.correlation_id, causation_id=cause.event_id, project_id=cause.project_id,
    )


def encode(envelope: Envelope) -> bytes:
    # The envelope's own serializer (a typed envelope's too), bytes straight from pydantic-core.
    return envelope.__pydantic_serializer__.to_json(envelope)


def key_of(envelope: Envelope) -> bytes:
    return str(envelope.beneficiary_id).encode()


def decode_envelope(value: bytes | None) -> Envelope:
    """Parse the envelope only; raises PoisonEvent naming what is wrong."""
    if not value:
        raise PoisonEvent("empty record value")
    try:
        return Envelope.model_validate_json(value)
    except ValidationError as exc:
        raise PoisonEvent(f"invalid envelope: {_errors(exc)}") from None


def decode(value: bytes | None) -> Event[EventPayload] | None:
    """Parse and validate a record; None for an event type this platform does not know."""
    return decode_payload(decode_envelope(value))


def decode_payload(envelope: Envelope) -> Event[EventPayload] | None:
    """Validate (and upcast) a parsed envelope's payload; None for an event type this platform does
    not know. A consumer calls it only for the types it handles: others' payloads are not its concern."""
    model = current(envelope.event_type)
    if model is None:
        return None
    try:
        payload = model.model_validate(upcast(envelope.event_type, envelope.schema_version, envelope.payload))
    except ValidationError as exc:
        raise PoisonEvent(f"invalid {envelope.event_type} payload: {_errors(exc)}") from None
    except ValueError as exc:
        raise PoisonEvent(str(exc)) from None
    return Event(envelope=envelope, payload=payload)


class Decoder:
    """Decodes the records of a consumer that handles `event_types`. A record of one of them at its
    current version is parsed and validated in one pass, envelope and payload together (the common
    case, at about half the cost of two); anything else takes the two-step path, envelope first, then
    upcasting and the payload for a handled type only, which also names what is wrong with a poison
    record. The envelope of a one-pass event carries its payload as the contract, not a dict: read
    the payload from the Event."""

    def __init__(self, event_types: Collection[str]) -> None:
        self._handled = frozenset(event_types)
        typed = [_typed_envelope(model) for t in sorted(self._handled) if (model := current(t)) is not None]
        self._one_pass: TypeAdapter[Envelope] | None = None
        if len(typed) == 1:
            self._one_pass = TypeAdapter(typed[0])
        elif typed:
            # A union built at run time: the checker sees its members only as envelopes.
            tagged: Any = Annotated[Union[tuple(typed)], Field(discriminator="event_type")]  # noqa: UP007
            self._one_pass = TypeAdapter(tagged)

    def decode(self, value: bytes | None) -> tuple[Envelope, Event[EventPayload] | None]:
        """The record's envelope, and its event when the type is handled; raises PoisonEvent."""
        if self._one_pass is not None and value:
            try:
                envelope = self._one_pass.validate_json(value)
            except ValidationError:
                pass  # another type or version, or poison: the two-step path tells which
            else:
                # The typed envelope's payload field is the contract itself, not a dict.
                return envelope, Event(envelope=envelope, payload=cast(EventPayload, envelope.payload))
        envelope = decode_envelope(value)
        if envelope.event_type not in self._handled:
            return envelope, None
        return envelope, decode_payload(envelope)


def _typed_envelope(contract: type[EventPayload]) -> type[Envelope]:
    # Literals of values known only at run time: typed as what they are to the checker, Any.
    event_type: Any = Literal[contract.event_type]
    version: Any = Literal[contract.version]
    return create_model(
        f"{contract.__name__}Envelope", __base__=Envelope,
        event_type=(event_type, ...), schema_version=(version, ...), payload=(contract, ...),
    )


def _errors(exc: ValidationError) -> str:
    parts: list[Any] = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
