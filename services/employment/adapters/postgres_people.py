"""SQL for the people employment works with, their titles, the projects' settings and matching's version.
Each repository borrows the unit of work's connection (its transaction) and never owns it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from uuid import UUID

import asyncpg

from employment.adapters.codec import person_of
from employment.domain.people import Person
from employment.domain.titles import Certification, CertificationOutcome, Recognition, RecognitionState

_PERSON_COLUMNS = (
    "beneficiary_id", "organisation_id", "registered_on", "sex", "age_band", "adult_from", "italian_level",
    "languages", "area", "municipality", "project_ids", "work_goal_since", "consent_since", "driving_licence",
    "mobility", "childcare_need", "available_from", "max_weekly_hours", "experience", "women_inactive",
    "employed_since", "path_closed", "erased",
)


# `_PERSON_COLUMNS` with their SQL types, for `add_new`'s one statement over a JSON array of people.
_PERSON_TYPES = ", ".join(f"{c} {t}" for c, t in zip(_PERSON_COLUMNS, (
    "uuid", "text", "date", "text", "text", "date", "text", "text[]", "text", "text", "text[]", "date", "date",
    "boolean", "text[]", "boolean", "date", "integer", "jsonb", "boolean", "date", "boolean", "boolean"), strict=True))


def _row(p: Person) -> dict[str, object]:
    values = asdict(p)
    values["languages"], values["project_ids"] = list(p.languages), list(p.project_ids)
    values["mobility"] = sorted(p.mobility)
    values["experience"] = dict(p.experience)
    return {c: values[c] for c in _PERSON_COLUMNS}


class PostgresPeople:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, beneficiary_id: UUID) -> Person | None:
        """The person, locked for this unit of work (their events are applied one after another)."""
        row = await self._conn.fetchrow("SELECT * FROM people WHERE beneficiary_id = $1 FOR UPDATE", beneficiary_id)
        return None if row is None else person_of(row)

    async def put(self, p: Person) -> None:
        values = _row(p)
        cols = ", ".join(_PERSON_COLUMNS)
        params = ", ".join(f"${i}" for i in range(1, len(_PERSON_COLUMNS) + 1))
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _PERSON_COLUMNS[1:])
        await self._conn.execute(
            f"INSERT INTO people ({cols}) VALUES ({params}) ON CONFLICT (beneficiary_id) DO UPDATE SET {updates}, "
            "updated_at = now()", *values.values())

    async def add_new(self, people: Sequence[Person]) -> set[UUID]:
        """Insert those not known already in one statement (a consumer's batch of registrations is one
        round trip, not two per person); returns the ids inserted. A known person is left as they are."""
        if not people:
            return set()
        cols = ", ".join(_PERSON_COLUMNS)
        rows = await self._conn.fetch(
            f"INSERT INTO people ({cols}) SELECT {cols} FROM jsonb_to_recordset($1::jsonb) AS p({_PERSON_TYPES}) "
            "ON CONFLICT (beneficiary_id) DO NOTHING RETURNING beneficiary_id", [_row(p) for p in people])
        return {r["beneficiary_id"] for r in rows}

    async def page(self, organisation_id: str, *, limit: int, offset: int) -> tuple[list[Person], int]:
        rows = await self._conn.fetch("SELECT * FROM people WHERE organisation_id = $1 AND NOT erased "
                                      "ORDER BY registered_on, beneficiary_id LIMIT $2 OFFSET $3",
                                      organisation_id, limit, offset)
        total = await self._conn.fetchval("SELECT count(*) FROM people WHERE organisation_id = $1 AND NOT erased",
                                          organisation_id)
        return [person_of(r) for r in rows], total

    async def of_organisation(self, organisation_id: str) -> list[Person]:
        rows = await self._conn.fetch("SELECT * FROM people WHERE organisation_id = $1 AND NOT erased",
                                      organisation_id)
        return [person_of(r) for r in rows]


class PostgresTitles:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add_recognition(self, r: Recognition) -> None:
        await self._conn.execute(
            "INSERT INTO recognitions (recognition_id, beneficiary_id, organisation_id, qualification, country, "
            "sector, state, history) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            r.recognition_id, r.beneficiary_id, r.organisation_id, r.qualification, r.country, r.sector, r.state.value,
            _history(r))

    async def update_recognition(self, r: Recognition) -> None:
        await self._conn.execute("UPDATE recognitions SET state = $2, history = $3 WHERE recognition_id = $1",
                                 r.recognition_id, r.state.value, _history(r))

    async def recognition(self, organisation_id: str, recognition_id: UUID) -> Recognition | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM recognitions WHERE organisation_id = $1 AND recognition_id = $2 FOR UPDATE",
            organisation_id, recognition_id)
        return None if row is None else _recognition(row)

    async def forget_qualifications(self, beneficiary_id: UUID) -> None:
        """An erasure: the qualification as the team wrote it (a title, a school, a town, even a name) goes;
        its country, sector and states stay, as the counts and the sector fit use them."""
        await self._conn.execute("UPDATE recognitions SET qualification = '' WHERE beneficiary_id = $1",
                                 beneficiary_id)

    async def recognitions_of(self, beneficiary_id: UUID) -> list[Recognition]:
        rows = await self._conn.fetch("SELECT * FROM recognitions WHERE beneficiary_id = $1 ORDER BY recognition_id",
                                      beneficiary_id)
        return [_recognition(r) for r in rows]

    async def add_certification(self, c: Certification) -> None:
        await self._conn.execute(
            "INSERT INTO certifications (certification_id, beneficiary_id, organisation_id, sector, eqf_level, "
            "outcome, certified_on) VALUES ($1, $2, $3, $4, $5, $6, $7)", c.certification_id, c.beneficiary_id,
            c.organisation_id, c.sector, c.eqf_level, c.outcome.value, c.certified_on)

    async def certifications_of(self, beneficiary_id: UUID) -> list[Certification]:
        rows = await self._conn.fetch(
            "SELECT * FROM certifications WHERE beneficiary_id = $1 ORDER BY certified_on, certification_id",
            beneficiary_id)
        return [Certification(r["certification_id"], r["beneficiary_id"], r["organisation_id"], r["sector"],
                              r["eqf_level"], CertificationOutcome(r["outcome"]), r["certified_on"]) for r in rows]

    async def sectors_of(self, beneficiary_id: UUID) -> tuple[set[str], set[str]]:
        """The sectors one person is certified in, and those of their recognised qualifications."""
        certified = await self._conn.fetch("SELECT sector FROM certifications WHERE beneficiary_id = $1 "
                                           "AND outcome = 'certified'", beneficiary_id)
        recognised = await self._conn.fetch("SELECT sector FROM recognitions WHERE beneficiary_id = $1 "
                                            "AND state = 'recognised' AND sector IS NOT NULL", beneficiary_id)
        return {r["sector"] for r in certified}, {r["sector"] for r in recognised}

    async def sectors_by_person(self, organisation_id: str) -> tuple[dict[UUID, set[str]], dict[UUID, set[str]]]:
        """Sectors each person is certified in, and sectors of their recognised qualifications."""
        certified: dict[UUID, set[str]] = {}
        for r in await self._conn.fetch("SELECT beneficiary_id, sector FROM certifications WHERE organisation_id = $1 "
                                        "AND outcome = 'certified'", organisation_id):
            certified.setdefault(r["beneficiary_id"], set()).add(r["sector"])
        recognised: dict[UUID, set[str]] = {}
        for r in await self._conn.fetch("SELECT beneficiary_id, sector FROM recognitions WHERE organisation_id = $1 "
                                        "AND state = 'recognised' AND sector IS NOT NULL", organisation_id):
            recognised.setdefault(r["beneficiary_id"], set()).add(r["sector"])
        return certified, recognised


def _history(r: Recognition) -> list[list[str]]:
    return [[s.value, d.isoformat()] for s, d in r.history]


def _recognition(r: asyncpg.Record) -> Recognition:
    history = tuple((RecognitionState(s), date.fromisoformat(d)) for s, d in r["history"])
    return Recognition(r["recognition_id"], r["beneficiary_id"], r["organisation_id"], r["qualification"],
                       r["country"], r["sector"], RecognitionState(r["state"]), history[0][1], history)


class PostgresSettings:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def set_women_priority(self, organisation_id: str, project_id: str, on: bool) -> None:
        await self._conn.execute(
            "INSERT INTO project_settings (organisation_id, project_id, women_priority) VALUES ($1, $2, $3) "
            "ON CONFLICT (organisation_id, project_id) DO UPDATE SET women_priority = EXCLUDED.women_priority",
            organisation_id, project_id, on)

    async def women_priority_projects(self, organisation_id: str) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT project_id FROM project_settings WHERE organisation_id = $1 AND women_priority", organisation_id)
        return {r["project_id"] for r in rows}

    async def lock_version(self, organisation_id: str) -> int:
        """The organisation's matching version, its row locked until this unit of work ends (one re-match at a
        time per organisation, across processes)."""
        await self._conn.execute("INSERT INTO matching_versions (organisation_id) VALUES ($1) ON CONFLICT DO NOTHING",
                                 organisation_id)
        return await self._conn.fetchval(
            "SELECT version FROM matching_versions WHERE organisation_id = $1 FOR UPDATE", organisation_id)

    async def bump_version(self, organisation_id: str) -> int:
        return await self._conn.fetchval(
            "UPDATE matching_versions SET version = version + 1 WHERE organisation_id = $1 RETURNING version",
            organisation_id)

    async def declined(self, organisation_id: str) -> set[tuple[UUID, UUID]]:
        rows = await self._conn.fetch(
            "SELECT beneficiary_id, opening_id FROM declined_pairs WHERE organisation_id = $1", organisation_id)
        return {(r["beneficiary_id"], r["opening_id"]) for r in rows}

    async def decline(self, organisation_id: str, beneficiary_id: UUID, opening_id: UUID) -> None:
        await self._conn.execute("INSERT INTO declined_pairs (beneficiary_id, opening_id, organisation_id) "
                                 "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", beneficiary_id, opening_id,
                                 organisation_id)


