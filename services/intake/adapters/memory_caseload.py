"""In-memory twins of the caseload repositories (imports, consent by purpose, the audit log and the
data export), beside the other twins in adapters/memory.py. They keep the SQL's names, parameters and
row shapes (tests/intake_caseload_contract.py runs the same tests on both), including what the
database does by itself: the consent rows a person's insert records (the trigger of migration 0017),
the latest row per purpose (the `current_consents` view), numerics read back with their scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from intake.adapters.repository_activities import NewIntervention
from intake.adapters.repository_caseload import BENEFICIARY_COLUMNS
from intake.adapters.repository_consent import COLUMNS as CONSENT_COLUMNS
from intake.adapters.repository_consent import ConsentRow
from shared import outbox

if TYPE_CHECKING:
    from intake.adapters.memory import Tables

Row = dict[str, Any]


def _cents(value: Decimal | None) -> str | None:
    """numeric(n, 2) read back as text: always two decimals."""
    return None if value is None else str(value.quantize(Decimal("0.01")))


def record_registration_consent(t: Tables, person: Row) -> None:
    """What the trigger on beneficiaries does: one `given` row per purpose of the person's scope."""
    for purpose in person["consent_scope"]:
        _append_consent(t, ConsentRow(
            person["beneficiary_id"], person["organisation_id"], purpose, "given", person["consent_date"],
            person["registered_by"], person.get("consent_legal_basis", "consent"),
            person.get("consent_notice_version", "unrecorded"), person.get("consent_given_by", "person"),
            person.get("consent_expires_on")))


def _append_consent(t: Tables, c: ConsentRow) -> None:
    t.consents.append({**{k: getattr(c, k) for k in CONSENT_COLUMNS}, "seq": next(t.seq),
                       "recorded_at": datetime.now(UTC)})


class InMemoryConsents:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def append(self, rows: Sequence[ConsentRow]) -> None:
        for r in rows:
            _append_consent(self._t, r)

    def _latest(self) -> dict[tuple[UUID, str], Row]:
        latest: dict[tuple[UUID, str], Row] = {}
        for c in self._t.consents:  # in seq order: the last one wins
            latest[(c["beneficiary_id"], c["purpose"])] = c
        return latest

    async def current(self, *, beneficiary_id: UUID) -> list[Row]:
        rows = [dict(c) for (b, _), c in self._latest().items() if b == beneficiary_id]
        return sorted(rows, key=lambda c: c["purpose"])

    async def history(self, *, beneficiary_id: UUID) -> list[Row]:
        return [dict(c) for c in self._t.consents if c["beneficiary_id"] == beneficiary_id]

    async def expired(self, *, today: date, limit: int) -> list[Row]:
        due = []
        for (b, purpose), c in sorted(self._latest().items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            person = self._t.beneficiaries.get(b)
            if (c["action"] == "given" and c["expires_on"] is not None and c["expires_on"] < today
                    and person is not None and person["erased_at"] is None):
                due.append({"beneficiary_id": b, "organisation_id": c["organisation_id"], "purpose": purpose,
                            "expires_on": c["expires_on"], "project_id": (person["project_ids"] or [None])[0]})
        return due[:limit]

    async def refresh_scope(self, *, beneficiary_id: UUID) -> None:
        scope = sorted(c["purpose"] for (b, _), c in self._latest().items()
                       if b == beneficiary_id and c["action"] == "given")
        self._t.beneficiaries[beneficiary_id]["consent_scope"] = scope


class InMemoryCaseload:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def lock_for_import(self, *, organisation_id: str) -> None:
        return None  # one task at a time in a unit test: nothing to wait for

    async def project_starts(self, *, organisation_id: str, codes: Sequence[str]) -> dict[str, date]:
        rows = [p for p in self._t.projects if p["code"] in codes
                and (p["lead_organisation_id"] == organisation_id or organisation_id in p["partners"])]
        rows.sort(key=lambda p: (p["lead_organisation_id"] != organisation_id, p["start_date"]), reverse=True)
        return {p["code"]: p["start_date"] for p in rows}  # the last written wins: the lead's own, earliest

    async def known_references(self, *, organisation_id: str, indexes: Sequence[bytes]) -> dict[bytes, Row]:
        return {b["reference_index"]: {k: b[k] for k in ("reference_index", "beneficiary_id", "erased_at")}
                for b in self._t.beneficiaries.values()
                if b["organisation_id"] == organisation_id and b.get("reference_index") in indexes}

    async def duplicates_of_many(
        self, *, organisation_id: str, fiscal_code_indexes: Sequence[bytes], match_key_indexes: Sequence[bytes],
    ) -> list[Row]:
        return [{k: b[k] for k in ("beneficiary_id", "fiscal_code_index", "match_key_index")}
                for b in self._t.beneficiaries.values()
                if b["organisation_id"] == organisation_id and b["erased_at"] is None
                and ((b["fiscal_code_index"] is not None and b["fiscal_code_index"] in fiscal_code_indexes)
                     or (b["match_key_index"] is not None and b["match_key_index"] in match_key_indexes))]

    async def copy_people(self, people: Sequence[tuple], keys: Sequence[tuple]) -> None:
        for beneficiary_id, wrapped_key in keys:
            self._t.person_keys[beneficiary_id] = wrapped_key
        for values in people:
            row = dict(zip(BENEFICIARY_COLUMNS, values, strict=True))
            if row["beneficiary_id"] in self._t.beneficiaries:
                raise ValueError(f"beneficiary {row['beneficiary_id']} exists")
            if any(b.get("reference_index") == row["reference_index"] and b["organisation_id"] == row[
                    "organisation_id"] for b in self._t.beneficiaries.values()):
                raise ValueError("reference taken in the organisation")  # the unique index
            row |= {"path_status": "taken_in_charge", "erased_at": None, "created_at": datetime.now(UTC),
                    "created_seq": next(self._t.seq)}
            row.setdefault("step_free_need", None)  # the column's default: a caseload file does not carry it
            self._t.beneficiaries[row["beneficiary_id"]] = row
            record_registration_consent(self._t, row)

    async def last_move_on(self, *, beneficiary_id: UUID) -> date | None:
        return max((m["changed_on"] for m in self._t.path_transitions if m["beneficiary_id"] == beneficiary_id),
                   default=None)

    async def people_by_reference(self, *, organisation_id: str, indexes: Sequence[bytes]) -> dict[bytes, Row]:
        return {b["reference_index"]: dict(b) for b in self._t.beneficiaries.values()
                if b["organisation_id"] == organisation_id and b.get("reference_index") in indexes}

    async def known_intervention_references(
        self, *, organisation_id: str, indexes: Sequence[bytes]
    ) -> dict[bytes, Row]:
        return {i["reference_index"]: {"reference_index": i["reference_index"], "intervention_id": i["intervention_id"]}
                for i in self._t.interventions
                if i["organisation_id"] == organisation_id and i.get("reference_index") in indexes}

    async def insert_imported_intervention(self, i: Any, reference_index: bytes) -> None:
        assert isinstance(i, NewIntervention)
        self._t.interventions.append({**asdict(i), "reference_index": reference_index,
                                      "created_seq": next(self._t.seq)})

    async def course_by_reference(self, *, organisation_id: str, index: bytes) -> Row | None:
        return next((dict(c) for c in self._t.courses.values()
                     if c["organisation_id"] == organisation_id and c.get("reference_index") == index), None)

    async def set_course_reference(self, *, course_id: UUID, index: bytes) -> None:
        self._t.courses[course_id]["reference_index"] = index

    async def events(self, records: Sequence[outbox.OutboxRecord]) -> None:
        """The import's events, as the outbox would hold them (the unit test reads their types and keys)."""
        self._t.outbox.extend(records)


class InMemoryAudit:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def access_page(
        self, *, organisation_id: str, beneficiary_id: UUID | None, actor: str | None, since: datetime | None,
        until: datetime | None, limit: int, offset: int,
    ) -> tuple[int, list[Row]]:
        rows = [r for r in self._t.pii_access_log if r["organisation_id"] == organisation_id
                and (beneficiary_id is None or r["beneficiary_id"] == beneficiary_id)
                and (actor is None or r["actor"] == actor) and (since is None or r["at"] >= since)
                and (until is None or r["at"] < until)]
        rows.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
        columns = ("id", "at", "actor", "actor_role", "beneficiary_id", "action", "purpose")
        return len(rows), [{k: r[k] for k in columns} for r in rows[offset:offset + limit]]

    async def accesses_of(self, *, organisation_id: str, beneficiary_id: UUID) -> list[Row]:
        rows = sorted((r for r in self._t.pii_access_log
                       if r["organisation_id"] == organisation_id and r["beneficiary_id"] == beneficiary_id),
                      key=lambda r: (r["at"], r["id"]))
        return [{k: r[k] for k in ("at", "actor", "actor_role", "action", "purpose")} for r in rows]

    async def records_of(self, *, beneficiary_id: UUID) -> dict[str, list[Row]]:
        t = self._t

        def of(rows: Sequence[Row], columns: tuple[str, ...], key: str | None = None) -> list[Row]:
            mine = [r for r in rows if r["beneficiary_id"] == beneficiary_id]
            if key is not None:
                mine.sort(key=lambda r: r[key])
            return [{k: r.get(k) for k in columns} for r in mine]

        superseded = {i["corrects"] for i in t.interventions if i["corrects"] is not None}
        interventions = sorted((i for i in t.interventions if i["beneficiary_id"] == beneficiary_id),
                               key=lambda i: (i["on_date"], i["created_seq"]))
        enrolments = sorted(((c, p, e) for (c, p), e in t.course_enrolments.items() if p == beneficiary_id),
                            key=lambda x: x[2]["enrolled_on"])
        return {
            "registration_versions": of(t.registration_versions, ("seq", "registration", "superseded_at"), "seq"),
            "corrections": of(t.corrections, ("seq", "target", "fields", "reason", "corrected_on", "corrected_by"),
                              "seq"),
            "assessments": of(t.assessments, ("assessment_id", "assessed_on", "notes", "recorded_by"),
                              "created_seq"),
            "plan": of(list(t.plans.values()), ("agreed_on", "agreed_by")),
            "goals": of(list(t.goals.values()), ("goal_id", "position", "area", "responsible_operator", "deadline",
                                                 "status", "closed_on", "notes"), "position"),
            "goal_history": of(t.goal_history, ("goal_id", "change", "status", "deadline", "closed_on", "notes",
                                                "recorded_on", "recorded_by"), "seq"),
            "path_transitions": of(t.path_transitions, ("from_status", "to_status", "reason_category", "notes",
                                                        "changed_on", "changed_by"), "seq"),
            "interventions": [{
                "intervention_id": i["intervention_id"], "kind": i["kind"], "on_date": i["on_date"],
                "duration_minutes": i["duration_minutes"], "hours": _cents(i["hours"]),
                "operator_id": i["operator_id"], "project_id": i["project_id"], "cost_eur": _cents(i["cost_eur"]),
                "course_id": i["course_id"], "corrects": i["corrects"],
                "superseded": i["intervention_id"] in superseded} for i in interventions],
            "course_enrolments": [{
                "course_id": c, "title": t.courses[c]["title"], "enrolled_on": e["enrolled_on"],
                "completed_on": (t.course_completions.get((c, p)) or {}).get("completed_on"),
                "level_reached": (t.course_completions.get((c, p)) or {}).get("level_reached")}
                for c, p, e in enrolments],
            "consents": of(t.consents, ("purpose", "action", "legal_basis", "notice_version", "given_by", "on_date",
                                        "expires_on", "recorded_by", "recorded_at"), "seq"),
        }
