"""Correcting a registration: the registration rebuilt from what intake keeps, the fields a
correction really changes, the coarse columns that follow, and the event that tells other services
only the names of the changed fields and the new coarse values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, get_args

from intake.domain.enums import age_band, women_inactive
from intake.domain.registration import CHILDREN_AGES, PERSONAL_FIELDS
from shared.events.contracts import BeneficiaryCorrected, CorrectableField

CORRECTABLE_FIELDS: tuple[str, ...] = get_args(CorrectableField)
# The coarse attributes other services learn about; vulnerabilities (GDPR art. 9) never leave intake.
EVENT_ATTRIBUTES = (
    "sex", "age_band", "legal_status", "reception", "household_size", "children", "single_parent", "italian_level",
    "languages", "area", "municipality", "accepted_areas", "must_leave_by", "step_free_need", "women_inactive",
)
# women_inactive follows from the sex and the work status: an attribute of the event, not a column.
# The permit's expiry and renewal flag decide its status in intake's views; they never travel on events.
COLUMNS = (*(a for a in EVENT_ATTRIBUTES if a != "women_inactive"), "permit_expiry", "permit_renewal_pending",
           "vulnerabilities", "work_status")


def as_entered(personal: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """The registration in its request form (JSON values), from the opened personal blob and the row."""
    return {
        **{k: personal.get(k) for k in PERSONAL_FIELDS},
        "sex": row["sex"],
        "legal_status": row["legal_status"],
        "reception": {"kind": row["reception"], "centre": personal.get("reception_centre"),
                      "must_leave_by": _iso(row["must_leave_by"])},
        "household": {"children": [{"age": age} for age in _children_ages(personal, row)],
                      "single_parent": row["single_parent"], "size": row["household_size"]},
        "italian_level": row["italian_level"],
        "languages": list(row["languages"]),
        "vulnerabilities": list(row["vulnerabilities"]),
        "consent": {"given": True, "date": _iso(row["consent_date"]), "scope": list(row["consent_scope"])},
        "project_ids": list(row["project_ids"]),
        "accepted_areas": list(row["accepted_areas"]),
        "step_free_need": row.get("step_free_need"),
        "work_status": row.get("work_status"),
    }


def kept(registration: Mapping[str, Any]) -> dict[str, Any]:
    """Each correctable field as intake keeps it, so a correction that keeps nothing new changes nothing."""
    return {field: registration.get(field) for field in CORRECTABLE_FIELDS}


def _children_ages(personal: Mapping[str, Any], row: Mapping[str, Any]) -> list[int]:
    ages = personal.get(CHILDREN_AGES)
    if ages is None:
        # Sealed before the ages were kept: only their number is known, so each stands in as 0 until
        # a correction of the household gives the real ones.
        return [0] * row["children"]
    return list(ages)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """The names among `fields` whose values differ, in the order given."""
    return [f for f in fields if before.get(f) != after.get(f)]


def born_after(registration: Mapping[str, Any], registered_on: date) -> bool:
    return date.fromisoformat(registration["birth_date"]) > registered_on


def columns(registration: Mapping[str, Any], *, registered_on: date) -> dict[str, Any]:
    """The coarse columns of a validated registration (JSON values); the age band is the one at
    registration, as when the person was taken in charge."""
    reception, household, permit = registration["reception"], registration["household"], registration.get("permit")
    return {
        "sex": registration["sex"],
        "age_band": age_band(date.fromisoformat(registration["birth_date"]), registered_on).value,
        "legal_status": registration["legal_status"],
        "reception": reception["kind"],
        "household_size": household["size"],
        "children": len(household["children"]),
        "single_parent": household["single_parent"],
        "italian_level": registration["italian_level"],
        "languages": list(registration["languages"]),
        "must_leave_by": _date(reception.get("must_leave_by")),
        "permit_expiry": _date(permit["expiry_date"]) if permit else None,
        "permit_renewal_pending": bool(permit and permit.get("renewal_pending")),
        "vulnerabilities": list(registration["vulnerabilities"]),
        # A move is a correction of the residence: the province and municipality follow it.
        "area": (registration.get("residence") or {}).get("province"),
        "municipality": (registration.get("residence") or {}).get("municipality"),
        "accepted_areas": list(registration.get("accepted_areas") or []),
        "step_free_need": registration.get("step_free_need"),
        "work_status": registration.get("work_status"),
        "women_inactive": inactive_woman(registration),
    }


def inactive_woman(registration: Mapping[str, Any]) -> bool:
    """Whether the person is a woman recorded as inactive at intake. A correction says false also when the
    status is cleared: on the corrected event null means unchanged, so "no longer inactive" is false."""
    return bool(women_inactive(registration["sex"], registration.get("work_status")))


def corrected_event(
    fields: list[str], before: Mapping[str, Any], after: Mapping[str, Any], *, corrected_on: date
) -> BeneficiaryCorrected:
    """The correction as other services see it: field names, and the coarse attributes that changed."""
    before = {**before, "women_inactive": inactive_woman(before)}
    attributes = changed_fields(before, after, EVENT_ATTRIBUTES)
    return BeneficiaryCorrected(
        corrected_on=corrected_on, corrected_fields=fields, **{a: after[a] for a in attributes}
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None
