"""Intake's refusals are the platform's (shared/errors.py), answered in the one error body."""

from __future__ import annotations

from shared.errors import Conflict, NotFound, RuleViolation, Violations

RuleBroken = RuleViolation
Invalid = Violations

__all__ = ["Conflict", "Invalid", "NotFound", "RuleBroken", "RuleViolation"]
