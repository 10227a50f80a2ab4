"""Housing's SQL for the demand, the offer and the proposals: one class per repository, each on the unit
of work's connection (its transaction). Funds and supports are in repository_funds.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from housing.domain.demand import Household
from housing.domain.offer import GenderPolicy, HostPreferences, Place, PlaceKind
from housing.domain.workflow import HOLDS_BEDS, OPEN, Proposal, Status

OPEN_STATUSES = [s.value for s in OPEN]
HOLDING_STATUSES = [s.value for s in HOLDS_BEDS]


def _household(r: asyncpg.Record) -> Household:
    return Household(
        beneficiary_id=r["beneficiary_id"], organisation_id=r["organisation_id"], size=r["size"],
        children=r["children"], sex=r["sex"], age_band=r["age_band"], waiting_since=r["waiting_since"],
        areas=frozenset(r["areas"]), languages=frozenset(r["languages"]), step_free_need=r["step_free_need"],
        leave_by=r["leave_by"], monthly_income=r["monthly_income"], work_municipality=r["work_municipality"],
        vulnerable=r["vulnerable"], excluded_places=frozenset(r["excluded"] or ()), housing_goal=r["housing_goal"],
        consent=r["consent"], status=r["status"], single_parent=r["single_parent"],
        accepted_areas=frozenset(r["accepted_areas"]), home_area=r["home_area"], path_closed=r["path_closed"],
        reception_leave_by=r["reception_leave_by"],
    )


_HOUSEHOLD_SELECT = """
    SELECT h.*, ARRAY(SELECT place_id FROM declined_pairs d WHERE d.beneficiary_id = h.beneficiary_id) AS excluded
    FROM households h
"""


# The columns `add` and `add_new` write, in `PgHouseholds._values`' order, with their SQL types.
_HOUSEHOLD_TYPED = (
    ("beneficiary_id", "uuid"), ("organisation_id", "text"), ("waiting_since", "date"), ("size", "int"),
    ("children", "int"), ("sex", "text"), ("age_band", "text"), ("areas", "text[]"), ("languages", "text[]"),
    ("step_free_need", "boolean"), ("leave_by", "date"), ("monthly_income", "numeric"),
    ("work_municipality", "text"), ("vulnerable", "boolean"), ("housing_goal", "boolean"), ("consent", "boolean"),
    ("status", "text"), ("single_parent", "boolean"), ("accepted_areas", "text[]"), ("home_area", "text"),
    ("path_closed", "boolean"), ("reception_leave_by", "date"),
)
_HOUSEHOLD_NAMES = [name for name, _ in _HOUSEHOLD_TYPED]
_HOUSEHOLD_COLUMNS = ", ".join(_HOUSEHOLD_NAMES)
_HOUSEHOLD_TYPES = ", ".join(f"{name} {typ}" for name, typ in _HOUSEHOLD_TYPED)


class PgHouseholds:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, h: Household) -> bool:
        row = await self._conn.fetchval(
            """INSERT INTO households (beneficiary_id, organisation_id, waiting_since, size, children, sex, age_band,
                   areas, languages, step_free_need, leave_by, monthly_income, work_municipality, vulnerable,
                   housing_goal, consent, status, single_parent, accepted_areas, home_area, path_closed,
                   reception_leave_by)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)
               ON CONFLICT (beneficiary_id) DO NOTHING RETURNING true""",
            *self._values(h))
        return bool(row)

    async def add_new(self, households: Sequence[Household]) -> set[UUID]:
        """Insert the new ones in one statement (a consumer's batch of registrations is one round trip,
        not one per person); returns the ids that were not known already."""
        if not households:
            return set()
        rows = await self._conn.fetch(
            f"""INSERT INTO households ({_HOUSEHOLD_COLUMNS})
                SELECT {_HOUSEHOLD_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS h({_HOUSEHOLD_TYPES})
                ON CONFLICT (beneficiary_id) DO NOTHING RETURNING beneficiary_id""",
            [dict(zip(_HOUSEHOLD_NAMES, self._values(h), strict=True)) for h in households])
        return {r["beneficiary_id"] for r in rows}

    @staticmethod
    def _values(h: Household) -> tuple[Any, ...]:
        return (h.beneficiary_id, h.organisation_id, h.waiting_since, h.size, h.children, h.sex, h.age_band,
                sorted(h.areas), sorted(h.languages), h.step_free_need, h.leave_by, h.monthly_income,
                h.work_municipality, h.vulnerable, h.housing_goal, h.consent, h.status, h.single_parent,
                sorted(h.accepted_areas), h.home_area, h.path_closed, h.reception_leave_by)

    async def get(self, beneficiary_id: UUID) -> Household | None:
        r = await self._conn.fetchrow(_HOUSEHOLD_SELECT + " WHERE h.beneficiary_id = $1", beneficiary_id)
        return _household(r) if r else None

    async def save(self, h: Household) -> None:
        await self._conn.execute(
            """UPDATE households SET organisation_id=$2, waiting_since=$3, size=$4, children=$5, sex=$6, age_band=$7,
                   areas=$8, languages=$9, step_free_need=$10, leave_by=$11, monthly_income=$12,
                   work_municipality=$13, vulnerable=$14, housing_goal=$15, consent=$16, status=$17,
                   single_parent=$18, accepted_areas=$19, home_area=$20, path_closed=$21, reception_leave_by=$22
               WHERE beneficiary_id=$1""", *self._values(h))

    async def lock(self, beneficiary_id: UUID) -> None:
        await self._conn.execute("SELECT 1 FROM households WHERE beneficiary_id = $1 FOR UPDATE", beneficiary_id)

    async def exclude(self, beneficiary_id: UUID, place_id: UUID) -> None:
        await self._conn.execute("INSERT INTO declined_pairs VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                 beneficiary_id, place_id)

    async def matchable(self, organisation_id: str) -> list[Household]:
        rows = await self._conn.fetch(
            _HOUSEHOLD_SELECT + """ WHERE h.organisation_id = $1 AND h.status = 'waiting' AND h.housing_goal
                AND h.consent AND NOT h.path_closed ORDER BY h.waiting_since, h.beneficiary_id""", organisation_id)
        return [_household(r) for r in rows]

    async def waiting(self, organisation_id: str, *, only_matchable: bool, limit: int,
                      offset: int) -> tuple[list[Household], int]:
        where = "h.organisation_id = $1 AND h.status = 'waiting' AND NOT h.path_closed" + (
            " AND h.housing_goal AND h.consent" if only_matchable else "")
        rows = await self._conn.fetch(
            _HOUSEHOLD_SELECT + f" WHERE {where} ORDER BY h.waiting_since, h.beneficiary_id LIMIT $2 OFFSET $3",
            organisation_id, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) FROM households h WHERE {where}", organisation_id)
        return [_household(r) for r in rows], total

    async def arrived_since(self, organisation_id: str, since: date) -> list[Household]:
        return await _arrived_since(self._conn, organisation_id, since)


async def _arrived_since(conn: asyncpg.Connection, organisation_id: str, since: date) -> list[Household]:
    rows = await conn.fetch(
        _HOUSEHOLD_SELECT + """ WHERE h.organisation_id = $1 AND h.waiting_since >= $2 AND h.housing_goal
            AND h.status <> 'erased' ORDER BY h.waiting_since, h.beneficiary_id""", organisation_id, since)
    return [_household(r) for r in rows]


def _place(r: asyncpg.Record) -> Place:
    return Place(
        place_id=r["place_id"], organisation_id=r["organisation_id"], kind=PlaceKind(r["kind"]),
        municipality=r["municipality"], province=r["province"], beds_total=r["beds_total"], beds_free=r["beds_free"],
        gender_policy=GenderPolicy(r["gender_policy"]), step_free=r["step_free"],
        monthly_cost_per_bed=r["monthly_cost_per_bed"], available_from=r["available_from"],
        available_to=r["available_to"], languages=frozenset(r["languages"]),
        host=HostPreferences(frozenset(r["host_sexes"]), frozenset(r["host_age_bands"]), r["host_children_ok"]),
    )


class PgPlaces:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    @staticmethod
    def _values(p: Place, address: str | None, managing: str | None) -> tuple[Any, ...]:
        return (p.place_id, p.organisation_id, p.kind.value, managing, address, p.municipality, p.province,
                p.beds_total, p.beds_free, p.gender_policy.value, p.step_free, p.monthly_cost_per_bed,
                p.available_from, p.available_to, sorted(p.languages), sorted(p.host.sexes),
                sorted(p.host.age_bands), p.host.children_ok)

    async def add(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None:
        await self._conn.execute(
            """INSERT INTO places (place_id, organisation_id, kind, managing_organisation, address, municipality,
                   province, beds_total, beds_free, gender_policy, step_free, monthly_cost_per_bed, available_from,
                   available_to, languages, host_sexes, host_age_bands, host_children_ok)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)""",
            *self._values(p, address, managing_organisation))

    async def get(self, place_id: UUID, organisation_id: str) -> tuple[Place, dict[str, Any]] | None:
        r = await self._conn.fetchrow("SELECT * FROM places WHERE place_id = $1 AND organisation_id = $2",
                                      place_id, organisation_id)
        if r is None:
            return None
        return _place(r), {"address": r["address"], "managing_organisation": r["managing_organisation"],
                           "active": r["active"]}

    async def save(self, p: Place, *, address: str | None, managing_organisation: str | None) -> None:
        await self._conn.execute(
            """UPDATE places SET organisation_id=$2, kind=$3, managing_organisation=$4, address=$5, municipality=$6,
                   province=$7, beds_total=$8, beds_free=$9, gender_policy=$10, step_free=$11,
                   monthly_cost_per_bed=$12, available_from=$13, available_to=$14, languages=$15, host_sexes=$16,
                   host_age_bands=$17, host_children_ok=$18 WHERE place_id=$1""",
            *self._values(p, address, managing_organisation))

    async def lock(self, place_id: UUID) -> None:
        await self._conn.execute("SELECT 1 FROM places WHERE place_id = $1 FOR UPDATE", place_id)

    async def retire(self, place_id: UUID) -> None:
        await self._conn.execute("UPDATE places SET active = false WHERE place_id = $1", place_id)

    async def take_beds(self, place_id: UUID, beds: int) -> bool:
        done = await self._conn.fetchval(
            "UPDATE places SET beds_free = beds_free - $2 WHERE place_id = $1 AND beds_free >= $2 RETURNING true",
            place_id, beds)
        return bool(done)

    async def free_beds(self, place_id: UUID, beds: int) -> None:
        await self._conn.execute("UPDATE places SET beds_free = LEAST(beds_total, beds_free + $2) WHERE place_id = $1",
                                 place_id, beds)

    async def active(self, organisation_id: str) -> list[Place]:
        rows = await self._conn.fetch("SELECT * FROM places WHERE organisation_id = $1 AND active", organisation_id)
        return [_place(r) for r in rows]

    async def listing(self, organisation_id: str, *, free_by: date | None, today: date | None = None, limit: int,
                      offset: int) -> tuple[list[Place], int]:
        if free_by is None:
            args: list[object] = [organisation_id]
            where, order = "organisation_id = $1 AND active", "place_id"
        else:
            # free soon: beds not held by an accepted proposal, and a period not over by today
            where = ("organisation_id = $1 AND active AND beds_free > (SELECT COALESCE(sum(household_size), 0) "
                     "FROM proposals q WHERE q.place_id = places.place_id AND (q.status = ANY($4) "
                     "OR (q.by_hand AND q.status = 'proposed'))) "
                     "AND (available_from IS NULL OR available_from <= $2) "
                     "AND (available_to IS NULL OR available_to >= $3)")
            order = "available_from NULLS FIRST, place_id"
            args = [organisation_id, free_by, today or date.min, HOLDING_STATUSES]
        n = len(args)
        rows = await self._conn.fetch(f"SELECT * FROM places WHERE {where} ORDER BY {order} LIMIT ${n + 1} "
                                      f"OFFSET ${n + 2}", *args, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) FROM places WHERE {where}", *args)
        return [_place(r) for r in rows], total


def _proposal(r: asyncpg.Record) -> Proposal:
    return Proposal(
        proposal_id=r["proposal_id"], organisation_id=r["organisation_id"], beneficiary_id=r["beneficiary_id"],
        place_id=r["place_id"], household_size=r["household_size"], status=Status(r["status"]),
        made_on=r["made_on"], last_step_on=r["last_step_on"], person_confirmed=r["person_confirmed"],
        host_confirmed=r["host_confirmed"], decline_actor=r["decline_actor"], decline_reason=r["decline_reason"],
        move_out_reason=r["move_out_reason"], by_hand=r["by_hand"],
    )


class PgProposals:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, p: Proposal, *, score: float, parts: dict[str, float]) -> bool:
        row = await self._conn.fetchval(
            """INSERT INTO proposals (proposal_id, organisation_id, beneficiary_id, place_id, household_size, status,
                   score, score_parts, made_on, last_step_on, by_hand) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
               ON CONFLICT (beneficiary_id) WHERE status NOT IN ('declined', 'moved_out') DO NOTHING
               RETURNING true""",
            p.proposal_id, p.organisation_id, p.beneficiary_id, p.place_id, p.household_size, p.status.value, score,
            parts, p.made_on, p.last_step_on, p.by_hand)
        return bool(row)

    async def get(self, proposal_id: UUID, organisation_id: str) -> Proposal | None:
        r = await self._conn.fetchrow("SELECT * FROM proposals WHERE proposal_id = $1 AND organisation_id = $2",
                                      proposal_id, organisation_id)
        return _proposal(r) if r else None

    async def save(self, p: Proposal, *, note: str | None = None, expected: Status | None = None) -> bool:
        row = await self._conn.fetchval(
            """UPDATE proposals SET status=$2, person_confirmed=$3, host_confirmed=$4, last_step_on=$5,
                   decline_actor=$6, decline_reason=$7, move_out_reason=$8, decline_note=COALESCE($9, decline_note),
                   household_size=$10
               WHERE proposal_id=$1 AND ($11::text IS NULL OR status = $11) RETURNING true""",
            p.proposal_id, p.status.value, p.person_confirmed, p.host_confirmed, p.last_step_on, p.decline_actor,
            p.decline_reason, p.move_out_reason, note, p.household_size, expected.value if expected else None)
        return bool(row)

    async def rescore(self, scores: Sequence[tuple[UUID, float, dict[str, float]]]) -> None:
        if scores:
            await self._conn.executemany("UPDATE proposals SET score = $2, score_parts = $3 WHERE proposal_id = $1",
                                         scores)

    async def living_in(self, place_id: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT COALESCE(sum(household_size), 0) FROM proposals WHERE place_id = $1 AND status = 'moved_in'",
            place_id)

    async def get_scored(self, proposal_id: UUID,
                         organisation_id: str) -> tuple[Proposal, float, dict[str, float]] | None:
        r = await self._conn.fetchrow("SELECT * FROM proposals WHERE proposal_id = $1 AND organisation_id = $2",
                                      proposal_id, organisation_id)
        return (_proposal(r), r["score"], r["score_parts"]) if r else None

    async def forget_notes(self, beneficiary_id: UUID) -> None:
        await self._conn.execute("UPDATE proposals SET decline_note = NULL WHERE beneficiary_id = $1", beneficiary_id)

    async def open(self, organisation_id: str) -> list[Proposal]:
        rows = await self._conn.fetch("SELECT * FROM proposals WHERE organisation_id = $1 AND status = ANY($2)",
                                      organisation_id, OPEN_STATUSES)
        return [_proposal(r) for r in rows]

    async def open_of(self, beneficiary_id: UUID) -> Proposal | None:
        r = await self._conn.fetchrow("SELECT * FROM proposals WHERE beneficiary_id = $1 AND status = ANY($2)",
                                      beneficiary_id, OPEN_STATUSES)
        return _proposal(r) if r else None

    async def listing(self, organisation_id: str, *, status: Status | None, stalled_before: date | None,
                      limit: int, offset: int) -> tuple[list[tuple[Proposal, float, dict[str, float]]], int]:
        where: list[str] = ["organisation_id = $1"]
        args: list[object] = [organisation_id]
        if status is not None:
            args.append(status.value)
            where.append(f"status = ${len(args)}")
        if stalled_before is not None:
            args.extend([OPEN_STATUSES, stalled_before])
            where.append(f"status = ANY(${len(args) - 1}) AND last_step_on <= ${len(args)}")
        cond = " AND ".join(where)
        n = len(args)
        rows = await self._conn.fetch(f"SELECT * FROM proposals WHERE {cond} ORDER BY last_step_on, proposal_id "
                                      f"LIMIT ${n + 1} OFFSET ${n + 2}", *args, limit, offset)
        total = await self._conn.fetchval(f"SELECT count(*) FROM proposals WHERE {cond}", *args)
        return [(_proposal(r), r["score"], r["score_parts"]) for r in rows], total
