"""The audit log read back: the organisation's reads of personal data by person, user and period;
one person's access report (GDPR art. 15: who read their data, when and why); and the person's data
export, every record decrypted. The report and the export are reads of personal data themselves,
so each is audited in the same transaction, with the purpose stated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault
from intake.domain.registration import personal_view
from intake.service_layer.errors import Conflict, RuleViolation
from intake.service_layer.reads import Opener, person_for_read
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal


@dataclass(frozen=True)
class AccessQuery:
    beneficiary_id: UUID | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def access_log(
    uow: IntakeUnitOfWork, principal: Principal, query: AccessQuery, *, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    _check_period(query.since, query.until)
    async with uow:
        total, rows = await uow.audit.access_page(
            organisation_id=principal.organisation_id, beneficiary_id=query.beneficiary_id, actor=query.actor,
            since=query.since, until=query.until, limit=limit, offset=offset)
    return total, [dict(r) for r in rows]


def _check_period(since: datetime | None, until: datetime | None) -> None:
    """A period ends after it starts: `since` included, `until` excluded, so equal instants hold nothing.
    An instant without an offset is UTC, as the query (asyncpg) takes it."""
    if since is None or until is None:
        return
    start, end = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (since, until))
    if end <= start:
        raise RuleViolation("query.until", "until_not_after_since",
                            f"until {until.isoformat()} must be after since {since.isoformat()}")


async def access_report(uow: IntakeUnitOfWork, principal: Principal, beneficiary_id: UUID, *,
                        purpose: str) -> dict[str, Any]:
    """Every read of the person's data, and per reader how often, first and last, and why."""
    async with uow:
        await person_for_read(uow, principal, beneficiary_id, action="access_report", purpose=purpose,
                              audit_only=True)
        rows = await uow.audit.accesses_of(organisation_id=principal.organisation_id, beneficiary_id=beneficiary_id)
    readers: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        reader = readers.setdefault((r["actor"], r["actor_role"]), {
            "actor": r["actor"], "role": r["actor_role"], "reads": 0, "first": r["at"], "last": r["at"],
            "purposes": []})
        reader["reads"] += 1
        reader["last"] = r["at"]
        if r["purpose"] not in reader["purposes"]:
            reader["purposes"].append(r["purpose"])
    return {"beneficiary_id": beneficiary_id, "accesses": [dict(r) for r in rows], "readers": list(readers.values())}


async def export(uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, *,
                 purpose: str) -> dict[str, Any]:
    """Every record intake holds about the person, decrypted; refused once the person is erased."""
    async with uow:
        person = await person_for_read(uow, principal, beneficiary_id, action="export", purpose=purpose)
        if person["erased_at"] is not None:
            raise Conflict(f"beneficiary {beneficiary_id} was erased: there is nothing left to export",
                           rule="erased")
        records = await uow.audit.records_of(beneficiary_id=beneficiary_id)
    opened = Opener(vault, person)
    current = opened(person["personal"]) or {}
    registration = {k: person[k] for k in (
        "sex", "age_band", "legal_status", "reception", "must_leave_by", "permit_expiry", "permit_renewal_pending",
        "household_size", "children", "single_parent", "italian_level", "languages", "project_ids", "path_status",
        "registered_on", "taken_in_charge_on", "area", "municipality", "accepted_areas", "consent_date",
        "consent_scope")}
    registration["personal"] = personal_view(current, vulnerabilities=list(person["vulnerabilities"]))
    sealed = {"registration_versions": "registration", "corrections": "reason", "assessments": "notes",
              "goals": "notes", "goal_history": "notes", "path_transitions": "notes"}
    out: dict[str, Any] = {"beneficiary_id": beneficiary_id, "organisation_id": principal.organisation_id,
                           "registration": registration}
    for kind, rows in records.items():
        column = sealed.get(kind)
        out[kind] = [{k: (opened(v) if k == column else v) for k, v in r.items()} for r in rows]
    return out
