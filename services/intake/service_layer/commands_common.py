"""Field types shared by intake's commands; each rule raises an error named after it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

from intake.adapters import places_data
from intake.domain import places
from intake.domain.duplicates import has_letters
from shared.types import no_nul

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

try:
    _ITALY: dt.tzinfo = ZoneInfo("Europe/Rome")
except ZoneInfoNotFoundError:  # pragma: no cover - slim images may lack tzdata
    # UTC+2 is Italy's later offset (summer time): a date that is today in Italy is never refused.
    _ITALY = dt.timezone(dt.timedelta(hours=2))


def today_in_italy() -> dt.date:
    """Today's date where the operators work, so late-evening entries are not 'in the future'."""
    return dt.datetime.now(_ITALY).date()


def registration_day(info: ValidationInfo) -> dt.date:
    """The day a registration is judged on: today, or the day it was made when a correction validates
    it again (the `registered_on` validation context)."""
    return (info.context or {}).get("registered_on") or today_in_italy()


def rule_error(rule: str, message: str) -> PydanticCustomError:
    """A validation error whose type is the rule and whose message is shown as is."""
    # The message goes through the context so braces in it are never read as placeholders.
    return PydanticCustomError(rule, "{message}", {"message": message})


class InputModel(BaseModel):
    """Base of every request body: unknown fields are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _not_blank(value: str) -> str:
    if not value:
        raise rule_error("blank", "must not be blank")
    return value


def _has_letters(value: str) -> str:
    if not has_letters(value):
        raise rule_error("name_without_letters", f"'{value}' has no letter: a name needs at least one")
    return value


def _country_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise rule_error(
            "country_code",
            f"'{value}' is not an ISO 3166-1 alpha-2 country code in upper case, such as 'NG' or 'AF'",
        )
    if (why := places.unknown_country(places_data.places(), value)) is not None:
        raise rule_error("unknown_country", why)
    return value


def _citizenship(value: str) -> str:
    return value if value == "stateless" else _country_code(value)


def _language_code(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2}", value):
        raise rule_error(
            "language_code",
            f"'{value}' is not an ISO 639-1 language code in lower case, such as 'ar' or 'ti'",
        )
    return value


def _not_future(value: dt.date) -> dt.date:
    today = today_in_italy()
    if value > today:
        raise rule_error("date_in_future", f"{value.isoformat()} is after today ({today.isoformat()})")
    return value


def _plausible_birth(value: dt.date) -> dt.date:
    if value < EARLIEST_BIRTH_DATE:
        raise rule_error(
            "birth_date_too_early",
            f"{value.isoformat()} is before {EARLIEST_BIRTH_DATE.isoformat()}, the earliest accepted",
        )
    return _not_future(value)


def _plausible_year(value: int) -> int:
    this_year = today_in_italy().year
    if not EARLIEST_BIRTH_DATE.year <= value <= this_year:
        raise rule_error(
            "year_out_of_range",
            f"year {value} is not between {EARLIEST_BIRTH_DATE.year} and the current year {this_year}",
        )
    return value


def unique(values: list[Any]) -> list[Any]:
    """The values without repeats, first occurrence kept."""
    return list(dict.fromkeys(values))


Text = Annotated[str, StringConstraints(max_length=200), AfterValidator(no_nul), AfterValidator(_not_blank)]
Name = Annotated[Text, AfterValidator(_has_letters)]
LongText = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul), AfterValidator(_not_blank)]
CountryCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_country_code)]
Citizenship = Annotated[str, StringConstraints(max_length=16), AfterValidator(_citizenship)]
LanguageCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_language_code)]
PastDate = Annotated[dt.date, AfterValidator(_not_future)]
# Why personal data is read, as the audit log keeps it: spaces around it are no part of it, so a
# purpose of blanks is no purpose.
Purpose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), AfterValidator(no_nul)]
BirthDate = Annotated[dt.date, AfterValidator(_plausible_birth)]
PastYear = Annotated[int, Field(ge=1000, le=9999), AfterValidator(_plausible_year)]


def provinces_on_file(value: list[str], field: str) -> list[str]:
    """Province codes of ISTAT's list, each once: a person's accepted areas and a project's territories."""
    unknown = places.unknown_provinces(places_data.places(), value, field)
    if unknown:
        raise rule_error("unknown_province", "; ".join(v.message for v in unknown))
    return unique(value)
