"""Field types every service's schemas share, each bound documented in the OpenAPI document and
each refusal named after its rule.

Why: PostgreSQL refuses NUL in text and integers past its column types with a server error, deep
in a repository; a bound in the schema refuses them first, naming the field, and tells the
client the limit. `shared.limits` refuses NUL anywhere in a request as a net for fields that use
plain `str`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MAX_OFFSET = 1_000_000


def no_nul(value: str) -> str:
    """Refuse the NUL character (U+0000), which no PostgreSQL text column can hold."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "text must not hold a NUL character (U+0000)")
    return value


def bounded_str(max_length: int, *, min_length: int = 0) -> object:
    """A string of at most `max_length` characters, without NUL."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(no_nul)]


Text = bounded_str(200)
LongText = bounded_str(2000)
Identifier = bounded_str(80, min_length=1)
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description=f"rows to skip, at most {MAX_OFFSET}")]
# Consent, flags with a legal meaning: true or false only, never "yes", 1 or "on".
LegalBool = StrictBool


# Digits, then a point and more digits or none: what a person writes as an amount. Decimal itself also
# takes "1e3", "1_000", " 12", "Infinity", which a client means as no amount, and "1e3" came back as "1E+3".
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
CENT = Decimal("0.01")


def plain_money(value: Any) -> Any:
    """Money travels as a plain decimal string: a JSON float may already have lost a cent, and an exponent
    or any other spelling Decimal reads is refused (`money_format`), so an amount is never misread."""
    if isinstance(value, float):
        raise PydanticCustomError("money_format", "an amount is a decimal string such as \"450.00\", not a number")
    if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(value):
        raise PydanticCustomError("money_format", "an amount is a plain decimal string such as \"450.00\" "
                                  "(digits, a point and at most two decimals; no exponent, no spaces)")
    return value


def no_negative_zero(value: Decimal) -> Decimal:
    """"-0" passes 0 or more, and would be answered "-0.00"."""
    return value + 0 if value == 0 else value


def two_decimals(value: Decimal) -> str:
    """Every amount answered the same way, to the cent: "0.00", "450.00", never "450" or "1E+3"."""
    return str(value.quantize(CENT))


# Euros in a request or response: exact to the cent, 0 or more, a plain decimal string in JSON (never a float;
# an integer is taken as whole euros), answered with two decimals. NUMERIC(12, 2) in every service's tables.
Euros = Annotated[Decimal, BeforeValidator(plain_money), Field(max_digits=12, decimal_places=2, ge=0),
                  AfterValidator(no_negative_zero), PlainSerializer(two_decimals, return_type=str)]
