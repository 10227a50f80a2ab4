"""Intake's refusals are the platform's (shared/errors.py), answered in the one error body: one
rule-violation type carrying the field and the rule, several of them at once, not found, conflict."""

from __future__ import annotations

from shared.errors import Conflict, NotFound, RuleViolation, Violations

__all__ = ["Conflict", "NotFound", "RuleViolation", "Violations"]
