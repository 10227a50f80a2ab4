"""What a command refuses, in terms the entrypoints translate to HTTP: 404, 409 or 422."""

from __future__ import annotations

from typing import Any


class NotFound(LookupError):
    """Nothing by that id in the caller's organisation (another organisation's data looks the same)."""


class Conflict(Exception):
    """The request is well-formed but the current state forbids it; `extra` goes in the answer."""

    def __init__(self, detail: str, *, rule: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.extra = extra


class RuleBroken(ValueError):
    """A field breaks a rule that needs stored data to check (e.g. a project the person is not in)."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule
        self.message = message


class Invalid(ValueError):
    """Fields break the request schema's rules once merged with stored data; each error names its
    field, rule and type as a 422 body does."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['rule']}" for e in errors))
        self.errors = errors
