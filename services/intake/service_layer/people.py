"""Reading an organisation's people. Personal fields are decrypted only when the caller states
why, and each person whose data is read is written to the audit log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from intake.adapters import repository
from intake.adapters.vault import Vault, VaultError
from intake.domain.duplicates import normalise_name
from intake.domain.path import TERMINAL_STATES, PathStatus
from intake.domain.permit import permit_flags
from intake.domain.registration import personal_view
from intake.service_layer import projects
from shared.auth import Principal, Role

# Roles whose work needs names and documents; funders and the matching teams never see them.
PERSONAL_DATA_ROLES = frozenset({Role.operator, Role.admin})


@dataclass(frozen=True)
class Filters:
    name: str | None = None
    fiscal_code: str | None = None
    status: PathStatus | None = None
    project_id: str | None = None
    operator: str | None = None
    deadline_within_days: int | None = None

    @property
    def searches_identity(self) -> bool:
        """A name or fiscal code search tells whether someone is registered, so it is a read of personal data."""
        return bool(self.name or self.fiscal_code)


class PersonalDataRefused(Exception):
    """The caller's role may not read personal data, or stated no purpose where one is needed."""


async def list_people(
    pool: asyncpg.Pool, vault: Vault, principal: Principal, filters: Filters, *, limit: int, offset: int,
    purpose: str | None, today: date,
) -> dict[str, Any]:
    """A page of people; with `purpose`, names and documents too, each read audited. Searching by name
    or fiscal code needs a purpose and is audited, also when it finds nobody."""
    _check_may_read(principal, purpose)
    if filters.searches_identity and purpose is None:
        raise PersonalDataRefused("searching by name or fiscal code needs a stated purpose (purpose=...), "
                                  "and the operator or admin role: each search is audited")
    name_indexes = [vault.blind_index("name", t) for t in normalise_name(filters.name or "")]
    fc_index = vault.blind_index("fiscal_code", filters.fiscal_code.strip().upper()) if filters.fiscal_code else None
    async with pool.acquire() as conn, conn.transaction():
        if filters.project_id is not None:
            await projects.refuse_unknown(conn, principal, {"query.project_id": filters.project_id})
        total, rows = await repository.list_page(
            conn, organisation_id=principal.organisation_id, limit=limit, offset=offset,
            fiscal_code_index=fc_index, name_indexes=name_indexes,
            status=filters.status.value if filters.status else None, project_id=filters.project_id,
            operator=filters.operator, due_by=_due_by(filters, today), closed_statuses=sorted(TERMINAL_STATES),
        )
        items = [_present(r, vault if purpose else None, today) for r in rows]
        if purpose:
            read: list[UUID | None] = [r["beneficiary_id"] for r in rows]
            await repository.log_access(
                conn, actor=principal.subject, actor_role=principal.role.value,
                organisation_id=principal.organisation_id,
                beneficiary_ids=read or ([None] if filters.searches_identity else []),
                action="search" if filters.searches_identity else "list", purpose=purpose,
            )
    return {"total": total, "limit": limit, "offset": offset, "items": items}


async def get_person(
    pool: asyncpg.Pool, vault: Vault, principal: Principal, beneficiary_id: UUID, *, purpose: str | None,
    today: date,
) -> dict[str, Any] | None:
    _check_may_read(principal, purpose)
    async with pool.acquire() as conn, conn.transaction():
        row = await repository.get(conn, organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
        if row is None:
            return None
        if purpose:
            await repository.log_access(
                conn, actor=principal.subject, actor_role=principal.role.value,
                organisation_id=principal.organisation_id, beneficiary_ids=[beneficiary_id], action="read",
                purpose=purpose,
            )
        return _present(row, vault if purpose else None, today)


def _due_by(filters: Filters, today: date) -> date | None:
    days = filters.deadline_within_days
    return None if days is None else today + timedelta(days=days)


def _check_may_read(principal: Principal, purpose: str | None) -> None:
    if purpose is not None and principal.role not in PERSONAL_DATA_ROLES:
        raise PersonalDataRefused(f"role {principal.role.value!r} may not read personal data nor search by name "
                                  "or fiscal code")


_COARSE = (
    "beneficiary_id", "sex", "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry",
    "household_size", "children", "single_parent", "italian_level", "languages", "project_ids", "path_status",
    "registered_on", "taken_in_charge_on", "area", "municipality", "accepted_areas",
)


def _present(row: asyncpg.Record, vault: Vault | None, today: date) -> dict[str, Any]:
    """The coarse attributes and the consent; with a vault (a purpose was stated) the personal part too."""
    item = {k: row[k] for k in _COARSE}
    item["consent"] = {"date": row["consent_date"], "scope": list(row["consent_scope"])}
    item["erased"] = row["erased_at"] is not None
    item["permit_status"] = permit_flags(row["permit_expiry"], today) if row["permit_expiry"] else None
    if vault is not None:
        try:
            opened = vault.open(row["beneficiary_id"], row["wrapped_key"], row["personal"] or b"")
        except VaultError:
            item["personal"] = None
        else:
            item["personal"] = personal_view(opened, vulnerabilities=list(row["vulnerabilities"]))
    return item
