"""Italian codice fiscale: the 16-character personal code and the 11-digit provisional code."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from typing import Literal

FULL_LENGTH = 16
PROVISIONAL_LENGTH = 11

MONTH_LETTERS = "ABCDEHLMPRST"
OMOCODIA_LETTERS = "LMNPQRSTUV"  # stand for the digits 0-9 when omocodia replaces a digit
DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)  # zero-based indexes of the 7 digits of a full code
FOREIGN_PLACE_LETTER = "Z"

# Values of characters in odd positions (1st, 3rd, ...) for the check character; digits 0-9 share
# the value of letters A-J.
_ODD_VALUES = dict(
    zip(
        string.ascii_uppercase,
        (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23),
        strict=True,
    )
)
_ODD_VALUES.update({digit: _ODD_VALUES[letter] for digit, letter in zip(string.digits, "ABCDEFGHIJ", strict=True)})
_EVEN_VALUES = {letter: index for index, letter in enumerate(string.ascii_uppercase)}
_EVEN_VALUES.update({digit: int(digit) for digit in string.digits})

_ROLE = dict.fromkeys(range(3), "surname") | dict.fromkeys(range(3, 6), "name")
_ROLE |= {11: "place code", 15: "check character"}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29 February: the year is ambiguous
_WOMEN_DAY_OFFSET = 40


class InvalidFiscalCode(ValueError):
    """The text is not a well-formed fiscal code; the message names the rule broken."""


@dataclass(frozen=True)
class FiscalCode:
    """A validated fiscal code; build it with parse_fiscal_code."""

    value: str
    provisional: bool = False

    @property
    def encoded_day(self) -> int | None:
        """The day as written in the code: the birth day, plus 40 for women."""
        return None if self.provisional else int(_decode_digits(self.value[9:11]))

    @property
    def sex(self) -> Literal["F", "M"] | None:
        """F when the day carries the +40 offset for women, M otherwise; None for provisional codes."""
        day = self.encoded_day
        return None if day is None else ("F" if day > _WOMEN_DAY_OFFSET else "M")

    @property
    def birth_day(self) -> int | None:
        day = self.encoded_day
        if day is None:
            return None
        return day - _WOMEN_DAY_OFFSET if day > _WOMEN_DAY_OFFSET else day

    @property
    def birth_month(self) -> int | None:
        return None if self.provisional else MONTH_LETTERS.index(self.value[8]) + 1

    @property
    def birth_year_2d(self) -> int | None:
        return None if self.provisional else int(_decode_digits(self.value[6:8]))

    @property
    def place_code(self) -> str | None:
        """The cadastral code of the birth place, omocodia undone (e.g. 'Z3N5' -> 'Z315'); None if provisional."""
        return None if self.provisional else self.value[11] + _decode_digits(self.value[12:15])

    @property
    def foreign_born(self) -> bool | None:
        """True when the place code is a foreign country ('Z' and 3 digits)."""
        return None if self.provisional else self.value[11] == FOREIGN_PLACE_LETTER

    @property
    def omocode(self) -> bool:
        """True when omocodia replaced at least one digit with a letter."""
        return not self.provisional and any(self.value[i].isalpha() for i in DIGIT_POSITIONS)


def parse_fiscal_code(raw: str) -> FiscalCode:
    """Validate and normalise a full or provisional fiscal code, or raise InvalidFiscalCode."""
    value = raw.strip().upper()
    if len(value) == PROVISIONAL_LENGTH:
        _check_provisional(value)
        return FiscalCode(value=value, provisional=True)
    if len(value) != FULL_LENGTH:
        raise InvalidFiscalCode(
            f"fiscal code must be {FULL_LENGTH} characters, or {PROVISIONAL_LENGTH} digits for a "
            f"provisional code; got {len(value)} characters"
        )
    _check_layout(value)
    _check_date(value)
    expected = check_character(value[:15])
    if value[15] != expected:
        raise InvalidFiscalCode(f"check character is '{value[15]}' but should be '{expected}'")
    return FiscalCode(value=value)


def check_character(first_15: str) -> str:
    """The check letter of a full code: 'A' plus the odd/even weighted sum modulo 26."""
    if len(first_15) != FULL_LENGTH - 1 or not all(char in _EVEN_VALUES for char in first_15):
        raise InvalidFiscalCode(f"check character needs 15 upper-case letters or digits, got {first_15!r}")
    total = sum((_ODD_VALUES if index % 2 == 0 else _EVEN_VALUES)[char] for index, char in enumerate(first_15))
    return chr(ord("A") + total % 26)


def provisional_check_digit(first_10: str) -> str:
    """The check digit of an 11-digit numeric code, computed as for a partita IVA (Luhn)."""
    total = 0
    for index, char in enumerate(first_10):
        digit = int(char)
        if index % 2 == 1:  # 2nd, 4th, ... digits are doubled, minus 9 when above 9
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def consistent_with(code: FiscalCode, *, sex: str, birth_date: date) -> list[str]:
    """Mismatches between what a full code encodes and the registered sex and birth date."""
    if code.provisional:
        return []  # a provisional code encodes neither sex nor birth date
    mismatches = []
    # Sex 'X' cannot be compared: the code only knows F and M.
    if sex in ("F", "M") and sex != code.sex:
        mismatches.append(
            f"sex is '{sex}' but the code's day {code.encoded_day:02d} means '{code.sex}' "
            f"(women have {_WOMEN_DAY_OFFSET} added to the day)"
        )
    if code.birth_day != birth_date.day:
        mismatches.append(f"birth day is {birth_date.day} but the code encodes day {code.birth_day}")
    if code.birth_month != birth_date.month:
        mismatches.append(
            f"birth month is {birth_date.month} but the code's month letter '{code.value[8]}' "
            f"means month {code.birth_month}"
        )
    if code.birth_year_2d != birth_date.year % 100:
        mismatches.append(f"birth year is {birth_date.year} but the code encodes year '{code.birth_year_2d:02d}'")
    return mismatches


def _check_provisional(value: str) -> None:
    for position, char in enumerate(value, start=1):
        if char not in string.digits:
            raise InvalidFiscalCode(
                f"a provisional code must be {PROVISIONAL_LENGTH} digits, found '{char}' at position {position}"
            )
    expected = provisional_check_digit(value[:10])
    if value[10] != expected:
        raise InvalidFiscalCode(f"provisional code check digit is '{value[10]}' but should be '{expected}'")


def _check_layout(value: str) -> None:
    for index, char in enumerate(value):
        position = index + 1
        if not (char.isascii() and char.isalnum()):
            raise InvalidFiscalCode(f"character '{char}' at position {position} is not a letter or digit")
        if index in DIGIT_POSITIONS:
            if not (char.isdigit() or char in OMOCODIA_LETTERS):
                raise InvalidFiscalCode(
                    f"position {position} must be a digit or an omocodia letter ({OMOCODIA_LETTERS}), found '{char}'"
                )
        elif index == 8:
            if char not in MONTH_LETTERS:
                raise InvalidFiscalCode(f"month letter '{char}' is not one of {MONTH_LETTERS}")
        elif not char.isalpha():
            raise InvalidFiscalCode(f"position {position} must be a letter ({_ROLE[index]}), found '{char}'")


def _check_date(value: str) -> None:
    day = int(_decode_digits(value[9:11]))
    birth_day = day - _WOMEN_DAY_OFFSET if day > _WOMEN_DAY_OFFSET else day
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise InvalidFiscalCode(f"day {day:02d} is not 01-31 (men) or 41-71 (women, day + 40)")
    month_letter = value[8]
    month = MONTH_LETTERS.index(month_letter) + 1
    days_in_month = _DAYS_IN_MONTH[month - 1]
    if birth_day > days_in_month:
        raise InvalidFiscalCode(
            f"day {birth_day} does not exist in month '{month_letter}' (month {month}), "
            f"which has at most {days_in_month} days"
        )


def _decode_digits(chars: str) -> str:
    """Digits with any omocodia letters turned back into the digits they stand for."""
    return "".join(str(OMOCODIA_LETTERS.index(c)) if c.isalpha() else c for c in chars)
