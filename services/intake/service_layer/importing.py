"""Importing a caseload: every row checked as a registration is (the registration's rules, its
projects, duplicates in the file and against the people already registered), then all of them
stored in one transaction, or none. The organisation's own reference for each person makes a second
import of the same file create nothing. Rows come as a stream and are stored in chunks as they are
checked, so neither the file nor its people are ever all in memory; a row refused after earlier
chunks were written rolls the whole transaction back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from uuid import UUID, uuid4

from intake.adapters.vault import Vault
from intake.domain import caseload
from intake.domain.duplicates import protected_keys
from intake.domain.importing import CellError
from intake.domain.registration import name_tokens, registered_event, split_personal
from intake.service_layer import consent
from intake.service_layer.commands import BeneficiaryIn
from intake.service_layer.registration import place_attributes, work_status_of
from intake.service_layer.unit_of_work import IntakeUnitOfWork
from shared import outbox
from shared.auth import Principal
from shared.events.codec import envelope_for
from shared.repository import Row
from shared.telemetry import current_carrier
from shared.topics import INTAKE_EVENTS

CHUNK = 1000  # rows checked (and written) per round trip of lookups


@dataclass(frozen=True)
class ImportRow:
    """A row of the file: its registration when the cells made one, else the cells' errors."""

    row: int
    reference: str | None
    registration: BeneficiaryIn | None
    errors: list[CellError] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    beneficiary_id: UUID
    reasons: tuple[str, ...]


@dataclass
class RowOutcome:
    row: int
    reference: str | None
    outcome: str  # new, already_imported, invalid
    beneficiary_id: UUID | None = None
    errors: list[CellError] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    intervention_id: UUID | None = None  # an interventions file's row


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    stored: bool = False
    rows: list[RowOutcome] = field(default_factory=list)

    def add(self, row: int, reference: str | None, errors: list[CellError]) -> RowOutcome:
        """The row's outcome, invalid until its checks pass, in the report."""
        outcome = RowOutcome(row, reference, "invalid", errors=list(errors))
        self.rows.append(outcome)
        return outcome

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def valid(self) -> bool:
        return all(r.outcome != "invalid" for r in self.rows)

    def forget_unstored_ids(self) -> None:
        """The ids given to new rows of a run that stored nothing (a dry run, or a refused row) name nothing
        that exists: none is answered, so no client keeps one. A new intervention's person stays: it exists."""
        for r in self.rows:
            if r.outcome == "new":
                r.intervention_id = None
                if self.kind == "people":
                    r.beneficiary_id = None


@dataclass
class _Seen:
    """What earlier rows of the file hold, so a later one repeating it is refused."""

    references: dict[bytes, int] = field(default_factory=dict)
    fiscal_codes: dict[bytes, int] = field(default_factory=dict)
    match_keys: dict[bytes, int] = field(default_factory=dict)
    projects: dict[str, date | None] = field(default_factory=dict)  # code -> start (None: unknown)


class Undo(Exception):
    """Leaves an import's unit of work without committing: a dry run, or a refused row."""


@asynccontextmanager
async def all_or_none(uow: IntakeUnitOfWork, report: ImportReport) -> AsyncIterator[None]:
    """An import's one unit of work: committed (and the report marked stored) only when it is not a dry
    run and every row passed; otherwise rolled back, rows written in earlier chunks included."""
    try:
        async with uow:
            yield
            if report.dry_run or not report.valid:
                raise Undo
        report.stored = True
    except Undo:
        report.forget_unstored_ids()


async def import_people(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, rows: Iterable[ImportRow], *,
    dry_run: bool, today: date,
) -> ImportReport:
    """Check every row; unless a dry run or a row is refused, store them all, each with its event. The
    import's repository looks many rows up per statement and stores people by COPY (its twin, the same
    in memory); its events are written with each chunk, not held until commit."""
    report = ImportReport("people", dry_run)
    seen = _Seen()
    carrier = current_carrier()
    async with all_or_none(uow, report):
        # No registration in the organisation while its people are checked and stored.
        await uow.caseload.lock_for_import(organisation_id=principal.organisation_id)
        for chunk in _chunks(iter(rows)):
            prepared = await _check(uow, vault, principal, chunk, seen, report)
            if not dry_run and report.valid and prepared:
                await _store(uow, vault, principal, prepared, today, carrier)
    return report


def _chunks(rows: Iterator[ImportRow]) -> Iterator[list[ImportRow]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


@dataclass(frozen=True)
class _Prepared:
    outcome: RowOutcome
    data: BeneficiaryIn
    reference_index: bytes
    fiscal_code_index: bytes | None
    match_key_index: bytes


async def _check(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, chunk: list[ImportRow], seen: _Seen,
    report: ImportReport,
) -> list[_Prepared]:
    """The chunk's outcomes, added to the report; the rows to store."""
    org = principal.organisation_id
    candidates: list[_Prepared] = []
    for r in chunk:
        outcome = report.add(r.row, r.reference, r.errors)
        if r.registration is None or r.reference is None or outcome.errors:
            continue
        data = r.registration
        keys = protected_keys(data.candidate(), vault.blind_index)
        assert keys.match_key is not None
        candidates.append(_Prepared(
            outcome, data, vault.blind_index("reference", r.reference), keys.fiscal_code, keys.match_key))
    if not candidates:
        return []
    known = await uow.caseload.known_references(
        organisation_id=org, indexes=[c.reference_index for c in candidates])
    await _learn_projects(uow, org, {code for c in candidates for code in c.data.project_ids}, seen)
    fresh = [c for c in candidates if c.reference_index not in known]
    existing = await uow.caseload.duplicates_of_many(
        organisation_id=org, fiscal_code_indexes=[c.fiscal_code_index for c in fresh if c.fiscal_code_index],
        match_key_indexes=[c.match_key_index for c in fresh])
    by_code: dict[bytes, list[UUID]] = {}
    by_key: dict[bytes, list[UUID]] = {}
    for e in existing:
        if e["fiscal_code_index"] is not None:
            by_code.setdefault(e["fiscal_code_index"], []).append(e["beneficiary_id"])
        if e["match_key_index"] is not None:
            by_key.setdefault(e["match_key_index"], []).append(e["beneficiary_id"])
    store = []
    for c in candidates:
        if c.reference_index in known:
            _already_imported(c, known[c.reference_index], seen)
        elif _refused(c, seen, by_code, by_key):
            continue
        else:
            c.outcome.outcome = "new"
            store.append(c)
    return store


def _already_imported(c: _Prepared, record: Row, seen: _Seen) -> None:
    c.outcome.beneficiary_id = record["beneficiary_id"]
    if c.reference_index in seen.references:
        c.outcome.errors.append(_repeated("reference", "reference", seen.references[c.reference_index]))
        return
    seen.references[c.reference_index] = c.outcome.row
    c.outcome.outcome = "already_imported"


def _repeated(column: str, what: str, first_row: int) -> CellError:
    return CellError(column, column, "repeated_in_file", f"the same {what} as row {first_row}")


def _refused(c: _Prepared, seen: _Seen, by_code: dict[bytes, list[UUID]], by_key: dict[bytes, list[UUID]]) -> bool:
    """Record the row's refusals on its outcome; whether there are any. A row refused still claims its
    reference, fiscal code and name, so the report names each repeat against the first row."""
    o, data, errors = c.outcome, c.data, c.outcome.errors
    for code_field, index, table in (("reference", c.reference_index, seen.references),
                                     ("fiscal_code", c.fiscal_code_index, seen.fiscal_codes)):
        if index is None:
            continue
        if index in table:
            errors.append(_repeated(code_field, code_field.replace("_", " "), table[index]))
        else:
            table[index] = o.row
    if c.match_key_index in seen.match_keys:
        errors.append(CellError("last_name", "last_name", "repeated_in_file",
                                f"the same name, birth date and country as row {seen.match_keys[c.match_key_index]}"))
    else:
        seen.match_keys[c.match_key_index] = o.row
    for i, code in enumerate(data.project_ids):
        if seen.projects.get(code) is None:
            errors.append(CellError("project_ids", f"project_ids.{i}", "unknown_project",
                                    f"no project '{code}' led by or partnered with your organisation"))
    if data.taken_in_charge_on is not None:
        starts = {code: start for code, start in seen.projects.items() if start is not None}
        for early in caseload.too_early(data.taken_in_charge_on, data.project_ids, starts):
            errors.append(CellError("taken_in_charge_on", early.field, "taken_in_charge_before_project",
                                    early.message(data.taken_in_charge_on)))
    same_code = by_code.get(c.fiscal_code_index, []) if c.fiscal_code_index else []
    same_name = by_key.get(c.match_key_index, [])
    for person in dict.fromkeys([*same_code, *same_name]):
        reasons = tuple(r for r, hit in (("same fiscal code", person in same_code),
                                         ("same name, birth date and country", person in same_name)) if hit)
        o.matches.append(Match(person, reasons))
    if o.matches:
        overridable = not same_code
        errors.append(CellError(
            "fiscal_code" if same_code else "last_name", "row", "possible_duplicate" if overridable else "duplicate",
            "already registered in your organisation: link to them by enrolling them in the project "
            "(POST /api/v1/beneficiaries/{id}/projects)" + (
                "; a namesake is registered on its own with ?confirm_distinct=true" if overridable else "")))
    return bool(errors)


async def _learn_projects(uow: IntakeUnitOfWork, org: str, codes: set[str], seen: _Seen) -> None:
    new = sorted(codes - seen.projects.keys())
    if new:
        starts = await uow.caseload.project_starts(organisation_id=org, codes=new)
        unknown = set(await uow.projects.not_visible(organisation_id=org, codes=new))
        for code in new:
            seen.projects[code] = None if code in unknown else starts[code]


async def _store(
    uow: IntakeUnitOfWork, vault: Vault, principal: Principal, prepared: list[_Prepared], today: date,
    carrier: dict[str, str],
) -> None:
    """Seal and write the chunk's people with their events, as registration does, in bulk."""
    people, keys, records = [], [], []
    org = principal.organisation_id
    for p in prepared:
        data = p.data
        beneficiary_id = uuid4()
        p.outcome.beneficiary_id = beneficiary_id
        personal, _ = split_personal(data.model_dump(mode="json"))
        personal["reference"] = p.outcome.reference
        sealed = vault.seal(beneficiary_id, personal)
        taken = data.taken_in_charge_on or today
        event = registered_event(
            registered_on=today, birth_date=data.birth_date, sex=data.sex.value, legal_status=data.legal_status.value,
            reception=data.reception.kind.value, household_size=data.household.size,
            children=len(data.household.children), single_parent=data.household.single_parent,
            italian_level=data.italian_level.value, languages=list(data.languages),
            project_ids=list(data.project_ids), **place_attributes(data),
        )
        envelope = envelope_for(event, beneficiary_id=beneficiary_id, organisation_id=org, producer="intake",
                                project_id=data.project_ids[0])
        records.append(outbox.record_for(envelope, INTAKE_EVENTS.name, carrier))
        consent_events = consent.announced_at_registration(data)
        records.extend(outbox.record_for(envelope_for(
            c, beneficiary_id=beneficiary_id, organisation_id=org, producer="intake", project_id=data.project_ids[0],
            correlation_id=envelope.correlation_id), INTAKE_EVENTS.name, carrier) for c in consent_events)
        keys.append((beneficiary_id, sealed.wrapped_key))
        people.append((
            beneficiary_id, org, sealed.blob, p.fiscal_code_index, p.match_key_index,
            [vault.blind_index("name", t) for t in name_tokens(data.first_name, data.last_name)],
            data.sex.value, event.age_band.value, data.legal_status.value, data.reception.kind.value,
            data.reception.must_leave_by, data.permit.expiry_date if data.permit else None, data.household.size,
            len(data.household.children), data.household.single_parent, data.italian_level.value,
            list(data.languages), [v.value for v in data.vulnerabilities], list(data.project_ids),
            data.consent.date, [s.value for s in data.consent.scope], today, principal.subject, taken,
            p.reference_index, event.area, event.municipality, list(event.accepted_areas),
            *consent.columns(data).values(), work_status_of(data),
            data.permit.renewal_pending if data.permit else False,
        ))
    await uow.caseload.copy_people(people, keys)  # a trigger records each one's consents
    await uow.caseload.events(records)
