"""Placeholder until the template lands on main (its version replaces this file at merge)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    pass


class RuleViolation(DomainError):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field, self.rule, self.message = field, rule, message


class Violations(DomainError):
    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


class NotFound(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Conflict(DomainError):
    def __init__(self, detail: str, *, rule: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail, self.rule, self.field, self.extra = detail, rule, field, extra


class Forbidden(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
