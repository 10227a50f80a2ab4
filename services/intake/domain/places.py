"""Where a person lives and would accept to live or work, checked against the real list of Italian
municipalities (ISTAT codes, each with its province), and a fiscal code's place part checked against
the person's birth country. The lists are data (services/intake/data/), loaded by an adapter; the
rules here only look them up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.errors import RuleViolation

ITALY = "IT"


@dataclass(frozen=True)
class Municipality:
    istat_code: str
    name: str
    province: str
    belfiore: str


@dataclass(frozen=True)
class Places:
    municipalities: Mapping[str, Municipality]  # by ISTAT code
    provinces: frozenset[str]
    foreign_codes: Mapping[str, str]  # ISO alpha-2 -> the Z code a fiscal code gives people born there
    every_foreign_code: frozenset[str]  # every Z code there is or was (a state since dissolved too)
    every_italian_code: frozenset[str]  # every municipality's cadastral code there is or was
    countries: frozenset[str] = frozenset()  # every ISO 3166-1 alpha-2 code (and Kosovo's XK): birth countries


def unknown_country(places: Places, code: str) -> str | None:
    """Why `code` (already two capital letters) names no country, or None."""
    if code in places.countries:
        return None
    return f"'{code}' is not a country on ISO 3166-1's list (as 'NG' or 'AF'; Kosovo is 'XK')"


def residence(
    places: Places, *, province: str | None, municipality: str | None
) -> tuple[str | None, list[RuleViolation]]:
    """The province of a residence (the municipality's, when only that is given), and what is wrong with it."""
    errors = []
    found = places.municipalities.get(municipality) if municipality is not None else None
    if municipality is not None and found is None:
        errors.append(RuleViolation("residence.municipality", "unknown_municipality",
                                    f"'{municipality}' is not the ISTAT code of an Italian municipality"))
    if province is not None and province not in places.provinces:
        errors.append(RuleViolation("residence.province", "unknown_province",
                                    f"'{province}' is not the code of an Italian province, such as 'RM' or 'MI'"))
    elif province is not None and found is not None and found.province != province:
        errors.append(RuleViolation("residence.municipality", "municipality_not_in_province",
                                    f"{found.name} ({found.istat_code}) is in province {found.province}, "
                                    f"not {province}"))
    return (province or (found.province if found else None)), errors


def unknown_provinces(places: Places, codes: Sequence[str], field: str) -> list[RuleViolation]:
    return [RuleViolation(f"{field}.{i}", "unknown_province",
                          f"'{code}' is not the code of an Italian province, such as 'RM' or 'MI'")
            for i, code in enumerate(codes) if code not in places.provinces]


def birth_place_mismatch(places: Places, place_code: str, birth_country: str) -> str | None:
    """Why a fiscal code's place part cannot be the person's, or None. A 'Z' code is a foreign state's:
    it must be the birth country's (a state since dissolved is accepted: older codes carry it); any
    other is an Italian municipality's, there now or once, and the person was born in Italy."""
    if place_code.startswith("Z"):
        if place_code not in places.every_foreign_code:
            return f"place code {place_code} is no country's"
        expected = places.foreign_codes.get(birth_country)
        current = frozenset(places.foreign_codes.values())
        if expected is not None and place_code != expected and place_code in current:
            return f"place code {place_code} is another country's: born in {birth_country} gives {expected}"
        if birth_country == ITALY:
            return f"place code {place_code} is a foreign country's, but the birth country is {ITALY}"
        return None
    if place_code not in places.every_italian_code:
        return f"place code {place_code} is no Italian municipality's"
    if birth_country != ITALY:
        return f"place code {place_code} is an Italian municipality's, but the birth country is {birth_country}"
    return None
