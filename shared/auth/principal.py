"""Who is calling: roles, the authenticated principal, and why a token was refused."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a caller may do; routes list every role they admit, admin included."""

    operator = "operator"
    housing = "housing"
    employment = "employment"
    funder = "funder"
    admin = "admin"
    coordinator = "coordinator"  # an organisation's coordinator; of a project's lead, sees the partners' aggregates
    dpo = "dpo"  # the data-protection officer: the audit log and a person's access report, never case data


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller a verified token speaks for."""

    subject: str
    role: Role
    organisation_id: str


class AuthError(Exception):
    """A token was refused; the message says why and never contains the token."""


class KeysUnavailable(AuthError):
    """The identity provider's signing keys could not be fetched, so no token can be checked."""
