"""What a command or a domain rule refuses, free of HTTP: the entrypoints (shared/api.py) turn each
into one error body. Domains raise these directly, so a rule and its refusal live in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def error_body(detail: str, errors: list[dict[str, str]] | None = None, **extra: Any) -> dict[str, Any]:
    """The one error body (shared.api.ErrorBody) as JSON-ready data: the HTTP handlers and the ASGI
    middlewares that answer before any route both build it here."""
    return {"detail": detail, "errors": errors or [], **extra}


class RuleViolation(ValueError):
    """One field breaks one rule: answered 422 naming both. `rule` is a stable code a client can
    switch on; `message` says it in words for a person."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule
        self.message = message


class Violations(ValueError):
    """Several fields break rules at once: all are answered together, so a client fixes them in one go."""

    def __init__(self, violations: Iterable[RuleViolation]) -> None:
        self.violations = list(violations)
        if not self.violations:
            raise ValueError("Violations needs at least one RuleViolation")
        super().__init__("; ".join(str(v) for v in self.violations))

    @staticmethod
    def raise_any(violations: list[RuleViolation]) -> None:
        """Raise what was found, if anything: one as itself (a caller may catch the one rule), several
        together."""
        if len(violations) == 1:
            raise violations[0]
        if violations:
            raise Violations(violations)


class NotFound(LookupError):
    """Nothing by that id for the caller (another organisation's data looks the same: absent). `field`
    names the id that found nothing, as the command calls it (`place_id`, `beneficiary_id`), so a client
    sent two ids knows which one; the HTTP layer puts `path.` or `query.` before it for an id that came
    in the path or the query."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class Conflict(Exception):
    """Well-formed, but the current state forbids it (409). `field` names what the client could change,
    where one thing does; `extra` carries what the client needs to act (allowed targets, matches)."""

    def __init__(self, detail: str, *, rule: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.field = field
        self.extra = extra


class Forbidden(PermissionError):
    """The caller's role or purpose does not allow this (403)."""

    def __init__(self, detail: str, *, rule: str = "forbidden") -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
