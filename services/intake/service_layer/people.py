"""Reading an organisation's people. Personal fields are decrypted only when the caller states
why, and each person whose data is read is written to the audit log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault, VaultError
from intake.domain.access import access_for
from intake.domain.duplicates import normalise_name
from intake.domain.path import TERMINAL_STATES, PathStatus
from intake.domain.permit import permit_flags
from intake.domain.registration import personal_view
from intake.service_layer import projects
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.repository import Row


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


async def list_people(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, filters: Filters, *, limit: int, offset: int,
    purpose: str | None, today: date,
) -> dict[str, Any]:
    """A page of people; with `purpose`, names and documents too, each read audited. Searching by name
    or fiscal code needs a purpose and is audited, also when it finds nobody."""
    access = access_for(principal.role.value, purpose, action="list", searches_identity=filters.searches_identity)
    name_indexes = [vault.blind_index("name", t) for t in normalise_name(filters.name or "")]
    fc_index = vault.blind_index("fiscal_code", filters.fiscal_code.strip().upper()) if filters.fiscal_code else None
    async with uow:
        if filters.project_id is not None:
            await projects.refuse_unknown(uow, principal, {"query.project_id": filters.project_id})
        total, rows = await uow.people.list_page(
            organisation_id=principal.organisation_id, limit=limit, offset=offset,
            fiscal_code_index=fc_index, name_indexes=name_indexes,
            status=filters.status.value if filters.status else None, project_id=filters.project_id,
            operator=filters.operator, due_by=_due_by(filters, today), closed_statuses=sorted(TERMINAL_STATES),
        )
        items = [_present(r, vault if access.personal else None, today) for r in rows]
        if purpose and access.audit_action:
            read: list[UUID | None] = [r["beneficiary_id"] for r in rows]
            await uow.people.log_access(
                actor=principal.subject, actor_role=principal.role.value,
                organisation_id=principal.organisation_id,
                beneficiary_ids=read or ([None] if filters.searches_identity else []),
                action=access.audit_action, purpose=purpose,
            )
    return {"total": total, "limit": limit, "offset": offset, "items": items}


async def get_person(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, *, purpose: str | None,
    today: date,
) -> dict[str, Any] | None:
    access = access_for(principal.role.value, purpose, action="read")
    async with uow:
        row = await uow.people.get(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
        if row is None:
            return None
        if purpose and access.audit_action:
            await uow.people.log_access(
                actor=principal.subject, actor_role=principal.role.value,
                organisation_id=principal.organisation_id, beneficiary_ids=[beneficiary_id],
                action=access.audit_action, purpose=purpose,
            )
        return _present(row, vault if access.personal else None, today)


def _due_by(filters: Filters, today: date) -> date | None:
    days = filters.deadline_within_days
    return None if days is None else today + timedelta(days=days)


_COARSE = (
    "beneficiary_id", "sex", "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry",
    "household_size", "children", "single_parent", "italian_level", "languages", "project_ids", "path_status",
    "registered_on",
)
# Added for caseloads; a row stored before them (or the in-memory twin's) may lack them.
_PLACE_AND_HISTORY = ("taken_in_charge_on", "area", "municipality", "accepted_areas", "step_free_need",
                      "work_status")


def _present(row: Row, vault: Vault | None, today: date) -> dict[str, Any]:
    """The coarse attributes and the consent; with a vault (a purpose was stated) the personal part too."""
    item = {k: row[k] for k in _COARSE}
    item |= {k: row.get(k) if hasattr(row, "get") else None for k in _PLACE_AND_HISTORY}
    item["taken_in_charge_on"] = item["taken_in_charge_on"] or row["registered_on"]
    item["accepted_areas"] = list(item["accepted_areas"] or [])
    item["consent"] = {"date": row["consent_date"], "scope": list(row["consent_scope"])}
    item["erased"] = row["erased_at"] is not None
    # The status is the permit's expiry and its pending renewal, judged by the one rule (permit_flags).
    renewal_pending = bool(row.get("permit_renewal_pending") if hasattr(row, "get") else row["permit_renewal_pending"])
    if row["permit_expiry"]:
        item["permit_status"] = permit_flags(row["permit_expiry"], today, renewal_pending=renewal_pending)
        item["permit_renewal_pending"] = renewal_pending
    else:
        item["permit_status"] = item["permit_renewal_pending"] = None
    if vault is not None:
        try:
            opened = vault.open(row["beneficiary_id"], row["wrapped_key"], row["personal"] or b"")
        except VaultError:
            item["personal"] = None
        else:
            item["personal"] = personal_view(opened, vulnerabilities=list(row["vulnerabilities"]))
    return item
