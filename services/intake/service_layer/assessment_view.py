"""Reading a person's skills assessments back, newest first.

What is shown without a purpose is exactly what the assessment event already told housing,
employment and reporting: how many skills are at each level, years of experience by ATECO section,
needs as keywords of intake's closed vocabulary, and how many vulnerabilities were noted. These are
about a pseudonymous person, but they are the platform's coarse attributes: they name nobody, carry no
word an operator typed and no GDPR art. 9 category, and every service of the organisation holds them
already, so showing them to its operators discloses nothing new and needs no audit row.

Everything else is personal and sealed with the person's key: the skills' names and the needs as
written (free text: they may name an employer, a place, a relative, a condition) and the
vulnerability flags themselves (health, disability, trafficking, violence, pregnancy: special
categories under GDPR art. 9, so a mere flag is sensitive). They are opened only when the caller
states a purpose, and that read is written to pii_access_log in the same transaction, as for the
plan. An erased person's assessments keep their coarse part; the sealed part reads as null."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from intake.adapters.vault import Vault
from intake.service_layer.reads import Opener, person_for_read
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.repository import Row

COARSE = ("assessment_id", "assessed_on", "recorded_by", "skills_per_level", "work_experience", "need_keywords",
          "vulnerability_count")


async def read_assessments(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, *, purpose: str | None,
    limit: int, offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the person's assessments, newest first; with a purpose, the sealed part
    of each shown too (the read audited). A person has a few: they are read whole and paged here."""
    async with uow:
        person = await person_for_read(uow, principal, beneficiary_id, action="read_assessments", purpose=purpose)
        rows = await uow.path.assessments_of(beneficiary_id=beneficiary_id)
    opener = Opener(vault, person) if purpose else None
    return len(rows), [_assessment(r, opener) for r in rows[offset:offset + limit]]


def _assessment(row: Row, opener: Opener | None) -> dict[str, Any]:
    item = {k: row[k] for k in COARSE}
    if opener is not None:
        item["personal"] = _as_entered(opener(row["notes"]))
    return item


def _as_entered(notes: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sealed assessment's personal parts, or None once the person is erased."""
    if notes is None:
        return None
    return {"skills": notes.get("skills", []), "needs": notes.get("needs", {}),
            "vulnerabilities": notes.get("vulnerabilities", [])}
