"""What a registration keeps where: the personal fields sealed in the vault, the coarse
attributes in plain columns, and the event other services see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from intake.domain.duplicates import normalise_name
from intake.domain.enums import age_band, women_inactive
from intake.domain.fiscal_code import parse_fiscal_code
from shared.events.contracts import BeneficiaryRegistered

PERSONAL_FIELDS = (
    "first_name", "last_name", "birth_date", "birth_country", "citizenship", "fiscal_code",
    "permit", "contacts", "education", "driving_licence", "residence",
)

CHILDREN_AGES = "children_ages"


def split_personal(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(personal, coarse) from a validated registration dumped to JSON-able values."""
    personal = {k: data.get(k) for k in PERSONAL_FIELDS}
    personal["reception_centre"] = (data.get("reception") or {}).get("centre")
    # The children's ages are about minors: sealed with the person's data; their count is a column.
    personal[CHILDREN_AGES] = [child["age"] for child in (data.get("household") or {}).get("children", [])]
    coarse = {k: v for k, v in data.items() if k not in PERSONAL_FIELDS}
    return personal, coarse


def name_tokens(first_name: str, last_name: str) -> list[str]:
    """Normalised name words, for blind-index search by any of them."""
    return sorted(set(normalise_name(first_name) + normalise_name(last_name)))


def registered_event(
    *, registered_on: date, birth_date: date, sex: str, legal_status: str, reception: str,
    household_size: int, children: int, single_parent: bool, italian_level: str, languages: list[str],
    project_ids: list[str], taken_in_charge_on: date | None = None, area: str | None = None,
    municipality: str | None = None, accepted_areas: Sequence[str] = (), citizenship: str | None = None,
    driving_licence: bool | None = None, must_leave_by: date | None = None, step_free_need: bool | None = None,
    work_status: str | None = None,
) -> BeneficiaryRegistered:
    """The coarse facts other services need; the birth date leaves only as an age band (at the day the
    person was taken in charge), the place as a province and a municipality code, the work status only
    as whether she is a woman neither working nor seeking work."""
    return BeneficiaryRegistered(
        registered_on=registered_on, sex=sex, age_band=age_band(birth_date, taken_in_charge_on or registered_on),
        legal_status=legal_status, reception=reception, household_size=household_size, children=children,
        single_parent=single_parent, italian_level=italian_level, languages=languages,
        project_ids=project_ids, taken_in_charge_on=taken_in_charge_on or registered_on, area=area,
        municipality=municipality, accepted_areas=list(accepted_areas),
        citizenship=citizenship if citizenship and len(citizenship) == 2 else None, driving_licence=driving_licence,
        must_leave_by=must_leave_by, step_free_need=step_free_need, women_inactive=women_inactive(sex, work_status),
    )


def personal_view(opened: dict[str, Any], *, vulnerabilities: list[str]) -> dict[str, Any]:
    """What a reader with a stated purpose sees: the sealed fields (the children's ages among them), the
    vulnerabilities (GDPR art. 9, so never shown without a purpose) and whether the fiscal code is provisional."""
    code = opened.get("fiscal_code")
    provisional = None if code is None else parse_fiscal_code(code).provisional
    return {**opened, "vulnerabilities": vulnerabilities, "fiscal_code_provisional": provisional}
