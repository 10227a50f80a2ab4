"""Who may see what of a person: the one place that decides it for intake's reads.

Names, documents, contacts and the children's ages are opened only for a role whose work needs them,
and only when the reader states why (the purpose is written to the audit log with each read). A search
by name or fiscal code tells whether someone is registered, so it is a read of personal data too, even
when it finds nobody. Funders and the housing and employment teams see the coarse attributes only."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import Forbidden

# Roles whose work needs names and documents (role names as in the bearer token's `role` claim).
PERSONAL_DATA_ROLES = frozenset({"operator", "admin"})
# Roles that may read who read a person's data (an audited read of the audit log, no case data):
# the admin and the data-protection officer.
AUDIT_ROLES = frozenset({"admin", "dpo"})


class PersonalDataRefused(Forbidden):
    """The caller's role may not read personal data, or stated no purpose where one is needed (403)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, rule="personal_data_refused")


@dataclass(frozen=True)
class Access:
    """What one read may show, and how it is audited (`audit_action` None: nothing to audit)."""

    personal: bool
    audit_action: str | None


def access_for(role: str, purpose: str | None, *, action: str, searches_identity: bool = False,
               audit_only: bool = False) -> Access:
    """The access a read gets, or PersonalDataRefused: a purpose opens personal data for the roles that
    may read it and is refused for the others; a search by identity needs a purpose. `audit_only`: a
    read of the audit log about the person (the access report), audited, opening no personal data."""
    if audit_only:
        if role not in AUDIT_ROLES:
            raise PersonalDataRefused(f"role {role!r} may not read the audit log")
        return Access(personal=False, audit_action=action if purpose else None)
    if purpose is not None and role not in PERSONAL_DATA_ROLES:
        raise PersonalDataRefused(f"role {role!r} may not read personal data nor search by name or fiscal code")
    if searches_identity and purpose is None:
        raise PersonalDataRefused("searching by name or fiscal code needs a stated purpose (purpose=...), "
                                  "and the operator or admin role: each search is audited")
    if purpose is None:
        return Access(personal=False, audit_action=None)
    return Access(personal=True, audit_action="search" if searches_identity else action)
