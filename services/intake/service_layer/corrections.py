"""Correcting a registration: the fields sent are merged with what is stored and the whole is
validated again as a registration; a new identity is checked against the other people; the
personal data are resealed with the person's key; the correction is logged and the registration it
supersedes kept whole, sealed with the same key, both append-only; the correction is announced by
field names and coarse values only, all in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from intake.adapters import repository, repository_corrections
from intake.adapters.vault import Vault
from intake.domain import corrections
from intake.domain.duplicates import Candidate, ProtectedKeys, find_duplicates, protected_keys, refuse_duplicates
from intake.domain.registration import name_tokens, split_personal
from intake.service_layer.commands import BeneficiaryCorrectionIn, BeneficiaryIn
from intake.service_layer.errors import Conflict, RuleViolation, Violations
from intake.service_layer.person import emit, locked_person, open_notes, seal
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal
from shared.events.contracts import BeneficiaryCorrected
from shared.repository import Row


async def correct(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, beneficiary_id: UUID, data: BeneficiaryCorrectionIn,
    *, today: date, confirm_distinct: bool = False,
) -> BeneficiaryCorrected:
    """Apply the correction; raises Violations, RuleViolation, Conflict or DuplicatesFound and then changes nothing."""
    async with uow:
        person = await locked_person(uow, principal, beneficiary_id)
        current = corrections.as_entered(open_notes(vault, person, person["personal"]), dict(person))
        # judged on the day the path began, as the registration was (a minor taken in charge at 17 and typed
        # in at 18 stays valid), which is the day the age band is taken on too
        began = person["taken_in_charge_on"] or person["registered_on"]
        corrected = _validated({**current, **data.changes()}, registered_on=began)
        fields = corrections.changed_fields(
            corrections.kept(current), corrections.kept(corrected), corrections.CORRECTABLE_FIELDS
        )
        if not fields:
            raise Conflict("the correction changes nothing: every field sent has the value stored", rule="no_change")
        if corrections.born_after(corrected, person["registered_on"]):
            raise RuleViolation("birth_date", "born_after_registration",
                             f"a person registered on {person['registered_on'].isoformat()} was born before that")
        columns = corrections.columns(corrected, registered_on=began)
        identity = _identity(vault, corrected)
        await _refuse_duplicates(uow, principal, person, identity, confirm_distinct=confirm_distinct)
        personal, _ = split_personal(corrected)
        await uow.people.update_registration(repository.PersonColumns(
            beneficiary_id=beneficiary_id, personal=seal(vault, person, personal), **identity,
            **{c: columns[c] for c in corrections.COLUMNS},
        ))
        correction_seq = await uow.corrections.append(repository_corrections.NewCorrection(
            beneficiary_id=beneficiary_id, organisation_id=principal.organisation_id, target="registration",
            fields=fields, reason=seal(vault, person, {"reason": data.reason}), corrected_on=today,
            corrected_by=principal.subject,
        ))
        await uow.corrections.keep_superseded(
            beneficiary_id=beneficiary_id, correction_seq=correction_seq,
            registration=seal(vault, person, current),
        )
        event = corrections.corrected_event(fields, dict(person), columns, corrected_on=today)
        emit(uow, principal, person, event, project_id=person["project_ids"][0])
    return event


def _validated(merged: dict[str, Any], *, registered_on: date) -> dict[str, Any]:
    """The merged registration checked by every rule of a registration, on the day it was judged on at
    registration (the day the person was taken in charge), as JSON values."""
    try:
        return BeneficiaryIn.model_validate(merged, context={"registered_on": registered_on}).model_dump(mode="json")
    except ValidationError as exc:
        raise Violations([
            RuleViolation(".".join(str(p) for p in e["loc"]) or "body", e["type"], e["msg"]) for e in exc.errors()
        ]) from None


def _identity(vault: Vault, registration: dict[str, Any]) -> dict[str, Any]:
    """The blind indexes that find and match the person."""
    first, last = registration["first_name"], registration["last_name"]
    keys = protected_keys(Candidate(
        registration["fiscal_code"], first, last, date.fromisoformat(registration["birth_date"]),
        registration["birth_country"],
    ), vault.blind_index)
    return {
        "fiscal_code_index": keys.fiscal_code,
        "match_key_index": keys.match_key,
        "name_index": [vault.blind_index("name", t) for t in name_tokens(first, last)],
    }


async def _refuse_duplicates(
    uow: IntakeUnitOfWork, principal: Principal, person: Row, identity: dict[str, Any], *,
    confirm_distinct: bool,
) -> None:
    """Check only a key the correction changed: an unchanged one was checked when it was stored, and a
    same-name match confirmed distinct then must not block later corrections."""
    fc_index = identity["fiscal_code_index"] if identity["fiscal_code_index"] != person["fiscal_code_index"] else None
    mk_index = identity["match_key_index"] if identity["match_key_index"] != person["match_key_index"] else None
    if fc_index is None and mk_index is None:
        return
    await uow.people.lock_identity(fc_index, mk_index)
    existing = await uow.people.find_duplicates(
        organisation_id=principal.organisation_id, other_than=person["beneficiary_id"],
        fiscal_code_index=fc_index, match_key_index=mk_index,
    )
    changed = ProtectedKeys(fiscal_code=fc_index, match_key=mk_index)
    refuse_duplicates(find_duplicates(changed, existing), confirm_distinct=confirm_distinct)
