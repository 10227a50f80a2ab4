from datetime import date

import pytest

from intake.domain.fiscal_code import (
    FiscalCode,
    InvalidFiscalCode,
    check_character,
    consistent_with,
    parse_fiscal_code,
)

pytestmark = pytest.mark.unit

# An independent implementation of the check character, written straight from the tables in
# domain.md, so a mistake in the module's tables does not hide behind the same mistake here.
ODD = {
    "0": 1, "A": 1, "1": 0, "B": 0, "2": 5, "C": 5, "3": 7, "D": 7, "4": 9, "E": 9,
    "5": 13, "F": 13, "6": 15, "G": 15, "7": 17, "H": 17, "8": 19, "I": 19, "9": 21, "J": 21,
    "K": 2, "L": 4, "M": 18, "N": 20, "O": 11, "P": 3, "Q": 6, "R": 8, "S": 12, "T": 14,
    "U": 16, "V": 10, "W": 22, "X": 25, "Y": 24, "Z": 23,
}  # fmt: skip


def even_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A")


def reference_check(body: str) -> str:
    total = 0
    for position, char in enumerate(body, start=1):
        total += ODD[char] if position % 2 == 1 else even_value(char)
    return chr(ord("A") + total % 26)


def with_check(body: str) -> str:
    return body + reference_check(body)


def reference_luhn(first_10: str) -> str:
    odd = sum(int(d) for d in first_10[0::2])
    even = sum(int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2 for d in first_10[1::2])
    return str((10 - (odd + even) % 10) % 10)


def rejected(raw: str) -> str:
    with pytest.raises(InvalidFiscalCode) as caught:
        parse_fiscal_code(raw)
    return str(caught.value)


# --- known public examples and the reference implementation -------------------------------


@pytest.mark.parametrize("code", ["RSSMRA85T10A562S", "MRTMTT25D09F205Z"])
def test_known_public_codes_are_valid(code):
    assert reference_check(code[:15]) == code[15]  # the reference agrees with the public example
    assert parse_fiscal_code(code) == FiscalCode(value=code, provisional=False)


@pytest.mark.parametrize(
    "body",
    ["RSSMRA85T10A562", "BNCLRA90A41H501", "KHNMHM95C15Z330", "XXXYYY00B29Z999", "AAAAAA99R71Z000"],
)
def test_module_check_character_matches_reference(body):
    assert check_character(body) == reference_check(body)
    assert parse_fiscal_code(with_check(body)).value == with_check(body)


def test_check_character_refuses_bad_input():
    with pytest.raises(InvalidFiscalCode, match="15 upper-case"):
        check_character("rssmra85t10a562")


def test_input_is_normalised_to_upper_case_without_surrounding_spaces():
    assert parse_fiscal_code("  rssmra85t10a562s \n").value == "RSSMRA85T10A562S"


# --- derived attributes ---------------------------------------------------------------------


def test_man_born_in_italy_attributes():
    code = parse_fiscal_code("RSSMRA85T10A562S")
    assert (code.sex, code.birth_day, code.birth_month, code.birth_year_2d) == ("M", 10, 12, 85)
    assert code.encoded_day == 10
    assert code.foreign_born is False
    assert code.provisional is False
    assert code.omocode is False


def test_woman_born_abroad_attributes():
    code = parse_fiscal_code(with_check("KHNFTM01E45Z330"))
    assert (code.sex, code.birth_day, code.birth_month, code.birth_year_2d) == ("F", 5, 5, 1)
    assert code.encoded_day == 45
    assert code.foreign_born is True


@pytest.mark.parametrize(
    ("letter", "month"),
    list(zip("ABCDEHLMPRST", range(1, 13), strict=True)),
)
def test_every_month_letter_decodes(letter, month):
    assert parse_fiscal_code(with_check(f"RSSMRA85{letter}10A562")).birth_month == month


# --- layout rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["RSSMRA85T10A562", "RSSMRA85T10A562SX", "", "1234567890"])
def test_wrong_length_is_rejected(raw):
    assert f"got {len(raw)} characters" in rejected(raw)


def test_non_alphanumeric_character_is_rejected():
    assert rejected("RSS-RA85T10A562S") == "character '-' at position 4 is not a letter or digit"


def test_accented_letter_is_rejected():
    assert "position 1 is not a letter or digit" in rejected("ÈSSMRA85T10A562S")


@pytest.mark.parametrize(("index", "role"), [(0, "surname"), (2, "surname"), (3, "name"), (5, "name")])
def test_name_letters_must_be_letters(index, role):
    raw = "RSSMRA85T10A562S"
    raw = raw[:index] + "1" + raw[index + 1 :]
    assert rejected(raw) == f"position {index + 1} must be a letter ({role}), found '1'"


def test_place_code_must_start_with_a_letter():
    assert rejected("RSSMRA85T101562S") == "position 12 must be a letter (place code), found '1'"


def test_check_character_must_be_a_letter():
    assert rejected("RSSMRA85T10A5627") == "position 16 must be a letter (check character), found '7'"


@pytest.mark.parametrize("letter", ["F", "G", "I", "J", "K", "N", "O", "Q", "U", "V", "Z", "1"])
def test_month_letter_outside_the_table_is_rejected(letter):
    raw = with_check(f"RSSMRA85{letter}10A562")
    assert rejected(raw) == f"month letter '{letter}' is not one of ABCDEHLMPRST"


@pytest.mark.parametrize("day", ["00", "32", "39", "40", "72", "99"])
def test_day_outside_men_and_women_ranges_is_rejected(day):
    message = rejected(with_check(f"RSSMRA85A{day}A562"))
    assert message == f"day {day} is not 01-31 (men) or 41-71 (women, day + 40)"


@pytest.mark.parametrize("day", ["01", "31", "41", "71"])
def test_day_range_edges_are_accepted(day):
    assert parse_fiscal_code(with_check(f"RSSMRA85A{day}A562")).encoded_day == int(day)


@pytest.mark.parametrize(
    ("month_letter", "day", "bad_day"),
    [("D", "31", 31), ("B", "30", 30), ("S", "71", 31), ("H", "31", 31)],
)
def test_day_beyond_the_month_is_rejected(month_letter, day, bad_day):
    message = rejected(with_check(f"RSSMRA85{month_letter}{day}A562"))
    assert message.startswith(f"day {bad_day} does not exist in month '{month_letter}'")


def test_29_february_is_accepted_because_the_century_is_unknown():
    assert parse_fiscal_code(with_check("RSSMRA01B29A562")).birth_day == 29


def test_wrong_check_character_names_both_letters():
    assert rejected("RSSMRA85T10A562T") == "check character is 'T' but should be 'S'"


@pytest.mark.parametrize(
    ("body", "foreign"),
    [("DLLMHM98M12Z336", True), ("BNCLRA90A41H501", False), ("RSSMRA85T10A562", False),
     ("RSSMRA85T10F205", False), ("RSSMRA85T10ZQQQ", True)],
)  # fmt: skip
def test_born_abroad_when_the_place_code_starts_with_z(body, foreign):
    assert parse_fiscal_code(with_check(body)).foreign_born is foreign


# --- omocodia -------------------------------------------------------------------------------

OMOCODIA = dict(zip("0123456789", "LMNPQRSTUV", strict=True))
DIGIT_INDEXES = (6, 7, 9, 10, 12, 13, 14)


def omocode(body: str, indexes) -> str:
    chars = list(body)
    for index in indexes:
        chars[index] = OMOCODIA[chars[index]]
    return "".join(chars)


@pytest.mark.parametrize(
    "indexes",
    [(14,), (13, 14), (12, 13, 14), (10, 12, 13, 14), (6,), (9,), DIGIT_INDEXES],
    ids=lambda ix: "-".join(map(str, ix)),
)
def test_omocodia_variants_are_accepted_and_decode_to_the_same_data(indexes):
    variant = with_check(omocode("RSSMRA85T10A562", indexes))
    assert variant != "RSSMRA85T10A562S"
    code = parse_fiscal_code(variant)
    assert code.omocode is True
    assert (code.sex, code.birth_day, code.birth_month, code.birth_year_2d) == ("M", 10, 12, 85)


def test_omocode_of_a_woman_keeps_the_day_offset():
    code = parse_fiscal_code(with_check(omocode("BNCLRA90A41H501", (9, 10))))  # 41 -> QM
    assert (code.sex, code.birth_day) == ("F", 1)


def test_omocode_variant_with_the_original_check_character_is_rejected():
    variant = omocode("RSSMRA85T10A562", (14,)) + "S"
    assert rejected(variant) == f"check character is 'S' but should be '{reference_check(variant[:15])}'"


@pytest.mark.parametrize("letter", ["A", "K", "O", "W", "Z"])
@pytest.mark.parametrize("index", DIGIT_INDEXES)
def test_letters_outside_omocodia_set_are_rejected_in_digit_positions(index, letter):
    body = "RSSMRA85T10A562"
    raw = with_check(body[:index] + letter + body[index + 1 :])
    assert rejected(raw) == (
        f"position {index + 1} must be a digit or an omocodia letter (LMNPQRSTUV), found '{letter}'"
    )


def test_omocode_day_is_still_range_checked():
    # 'V' 'V' stands for 99, which is no day at all.
    assert "day 99 is not" in rejected(with_check("RSSMRA85TVVA562"))


# --- provisional 11-digit codes ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["01234567897", "06363391001", "12345678903", "80012345676"])
def test_valid_provisional_code_is_flagged(code):
    assert reference_luhn(code[:10]) == code[10]
    parsed = parse_fiscal_code(code)
    assert parsed == FiscalCode(value=code, provisional=True)
    assert (parsed.sex, parsed.birth_day, parsed.birth_month, parsed.foreign_born) == (None,) * 4


@pytest.mark.parametrize("first_10", ["0123456789", "9999999999", "1000000000", "5555555555"])
def test_every_wrong_provisional_check_digit_is_rejected(first_10):
    good = reference_luhn(first_10)
    for digit in "0123456789":
        if digit != good:
            assert rejected(first_10 + digit) == (f"provisional code check digit is '{digit}' but should be '{good}'")


def test_provisional_code_must_be_all_digits():
    assert rejected("0123456789A") == "a provisional code must be 11 digits, found 'A' at position 11"


# --- consistency with the registration ------------------------------------------------------


def test_consistent_code_has_no_mismatches():
    code = parse_fiscal_code("RSSMRA85T10A562S")
    assert consistent_with(code, sex="M", birth_date=date(1985, 12, 10)) == []


def test_sex_mismatch_is_reported():
    code = parse_fiscal_code("RSSMRA85T10A562S")
    (mismatch,) = consistent_with(code, sex="F", birth_date=date(1985, 12, 10))
    assert mismatch.startswith("sex is 'F' but the code's day 10 means 'M'")


def test_woman_coded_day_mismatching_registered_man():
    code = parse_fiscal_code(with_check("BNCLRA90A41H501"))
    (mismatch,) = consistent_with(code, sex="M", birth_date=date(1990, 1, 1))
    assert "day 41 means 'F'" in mismatch


def test_sex_x_is_not_compared():
    code = parse_fiscal_code("RSSMRA85T10A562S")
    assert consistent_with(code, sex="X", birth_date=date(1985, 12, 10)) == []


def test_each_date_part_mismatch_is_reported():
    code = parse_fiscal_code("RSSMRA85T10A562S")
    mismatches = consistent_with(code, sex="M", birth_date=date(1986, 11, 11))
    assert mismatches == [
        "birth day is 11 but the code encodes day 10",
        "birth month is 11 but the code's month letter 'T' means month 12",
        "birth year is 1986 but the code encodes year '85'",
    ]


def test_year_is_compared_on_two_digits_only():
    code = parse_fiscal_code(with_check("RSSMRA05A01A562"))
    assert consistent_with(code, sex="M", birth_date=date(2005, 1, 1)) == []
    assert consistent_with(code, sex="M", birth_date=date(1905, 1, 1)) == []
    assert len(consistent_with(code, sex="M", birth_date=date(2006, 1, 1))) == 1


def test_omocode_is_compared_on_decoded_values():
    code = parse_fiscal_code(with_check(omocode("RSSMRA85T10A562", DIGIT_INDEXES)))
    assert consistent_with(code, sex="M", birth_date=date(1985, 12, 10)) == []


def test_provisional_code_has_nothing_to_compare():
    code = parse_fiscal_code("01234567897")
    assert consistent_with(code, sex="F", birth_date=date(2001, 1, 1)) == []
