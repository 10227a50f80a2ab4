"""Field types every service's schemas share, each bound documented in the OpenAPI document and
each refusal named after its rule.

Why: PostgreSQL refuses NUL in text and integers past its column types with a server error, deep
in a repository; a bound in the schema refuses them first, naming the field, and tells the
client the limit. `shared.limits` refuses NUL anywhere in a request as a net for fields that use
plain `str`."""

from __future__ import annotations

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


def no_float(value: Any) -> Any:
    """Money travels as a decimal string: a JSON float may already have lost a cent."""
    if isinstance(value, float):
        raise ValueError("an amount is a decimal string such as \"450.00\", not a number")
    return value


# Euros in a request or response: exact to the cent, 0 or more, a decimal string in JSON (never a float;
# an integer is taken as whole euros). NUMERIC(12, 2) in every service's tables.
Euros = Annotated[Decimal, BeforeValidator(no_float), Field(max_digits=12, decimal_places=2, ge=0),
                  PlainSerializer(str, return_type=str)]
