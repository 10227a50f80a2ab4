"""The residence permit (permesso di soggiorno) and how close it is to expiry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from intake.domain.enums import PermitDocument
from shared.errors import RuleViolation

PermitFlag = Literal["valid", "expiring_soon", "expired", "renewal_pending"]
PERMIT_FLAGS: tuple[PermitFlag, ...] = ("valid", "expiring_soon", "expired", "renewal_pending")
NUMBER_FORMAT = "permit_number_format"  # the rule of every number check, whatever the document
DEFAULT_SOON_DAYS = 60


@dataclass(frozen=True)
class NumberFormat:
    """The shape one number of a permit document must have."""

    field: str
    label: str
    length: int
    allowed: str = "[A-Z0-9]"  # a regular-expression class matching one allowed character
    allowed_label: str = "upper-case letters or digits"


# The post-office receipt of a pending application carries two numbers: the file number and the
# registered-mail number. The other documents have one number whose format we do not enforce.
NUMBER_FORMATS: dict[PermitDocument, tuple[NumberFormat, ...]] = {
    PermitDocument.postal_receipt: (
        NumberFormat(field="number", label="file number", length=10),
        NumberFormat(field="registered_mail_number", label="registered-mail number", length=12),
    ),
}


class PermitRuleViolation(RuleViolation):
    """A permit rule was broken: the offending field, the rule's code, and what was expected in words."""

    def __init__(self, field: str, message: str, *, rule: str) -> None:
        super().__init__(field, rule, message)


@dataclass(frozen=True)
class Permit:
    document: PermitDocument
    reason: str
    number: str
    questura: str
    issue_date: date
    expiry_date: date
    renewal_pending: bool = False
    registered_mail_number: str | None = None

    def __post_init__(self) -> None:
        for field in ("reason", "questura"):
            if not getattr(self, field).strip():
                raise PermitRuleViolation(field, "must not be blank", rule="blank")
        check_number(self.document, "number", self.number)
        check_number(self.document, "registered_mail_number", self.registered_mail_number)
        check_dates(self.issue_date, self.expiry_date)

    def flag(self, today: date, *, soon_days: int = DEFAULT_SOON_DAYS) -> PermitFlag:
        """How close the permit is to its expiry on the given day, its pending renewal counted."""
        return permit_flags(self.expiry_date, today, renewal_pending=self.renewal_pending, soon_days=soon_days)


def check_number(document: PermitDocument, field: str, value: str | None) -> None:
    """Raise PermitRuleViolation unless value fits the format the document sets for that field."""
    fmt = next((fmt for fmt in NUMBER_FORMATS.get(document, ()) if fmt.field == field), None)
    if fmt is not None:
        if value is None or not re.fullmatch(f"{fmt.allowed}{{{fmt.length}}}", value):
            raise PermitRuleViolation(
                field,
                f"a '{document}' {fmt.label} must be {fmt.length} {fmt.allowed_label}, got {value!r}",
                rule=NUMBER_FORMAT,
            )
    elif field == "number":
        if not (value or "").strip():
            raise PermitRuleViolation(field, "must not be blank", rule=NUMBER_FORMAT)
    elif value is not None:
        raise PermitRuleViolation(field, f"is not used by a '{document}' document", rule=NUMBER_FORMAT)


def check_dates(issue_date: date, expiry_date: date) -> None:
    """Raise PermitRuleViolation unless the permit expires after it was issued."""
    if expiry_date <= issue_date:
        raise PermitRuleViolation(
            "expiry_date",
            f"expiry date {expiry_date.isoformat()} must be after issue date {issue_date.isoformat()}",
            rule="expiry_before_issue",
        )


def permit_flags(
    expiry: date, today: date, *, renewal_pending: bool, soon_days: int = DEFAULT_SOON_DAYS
) -> PermitFlag:
    """'expired' after the expiry day, 'expiring_soon' within soon_days of it, else 'valid'; a permit
    whose renewal was applied for is 'renewal_pending' instead of 'expired' once its expiry day has passed.

    A person who applied for renewal in time keeps their rights (work, a lease) with the post-office
    receipt while the questura decides, so after the expiry day 'expired' would mislead. Before the
    expiry day the permit itself is still in force and its day still bounds a lease or a contract, so
    a pending renewal changes nothing there: 'valid' or 'expiring_soon' as for any permit. Whether the
    renewal was applied for in time (before expiry, or within the 60 days after it) is not recorded:
    the operator who sets the flag judges it, and clears it by a correction if the questura refuses."""
    if soon_days < 0:
        raise ValueError(f"soon_days must be 0 or more, got {soon_days}")
    days_left = (expiry - today).days
    if days_left < 0:
        return "renewal_pending" if renewal_pending else "expired"
    return "expiring_soon" if days_left <= soon_days else "valid"
