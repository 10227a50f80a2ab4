"""Which contract class answers to which (event_type, version), and the pure upcasters that
bring an old payload to the current shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shared.events.envelope import EventPayload

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
P = TypeVar("P", bound=type[EventPayload])

_CONTRACTS: dict[str, type[EventPayload]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def contract(cls: P) -> P:
    """Class decorator: make `cls` the current contract of its event type."""
    if cls.event_type in _CONTRACTS:
        raise ValueError(f"event type {cls.event_type!r} is registered twice")
    _CONTRACTS[cls.event_type] = cls
    return cls


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Decorator: a pure function taking a `from_version` payload to `from_version + 1`."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def current(event_type: str) -> type[EventPayload] | None:
    """The current contract for `event_type`, or None if the platform does not know it."""
    return _CONTRACTS.get(event_type)


def upcast(event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Apply upcasters until the payload has the current version's shape."""
    target = _CONTRACTS[event_type].version
    if version > target:
        raise ValueError(f"{event_type} v{version} is newer than this service knows (v{target})")
    while version < target:
        step = _UPCASTERS.get((event_type, version))
        if step is None:
            raise ValueError(f"no upcaster for {event_type} from v{version}")
        payload = step(payload)
        version += 1
    return payload


def known_types() -> dict[str, type[EventPayload]]:
    return dict(_CONTRACTS)
