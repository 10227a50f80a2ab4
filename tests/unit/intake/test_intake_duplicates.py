import hashlib
import hmac
from datetime import date

import pytest

from intake.domain.duplicates import (
    Candidate,
    DuplicateMatch,
    DuplicatesFound,
    ExistingKeys,
    MatchReason,
    match_key,
    normalise_name,
    protected_keys,
    refuse_duplicates,
)
from intake.domain.duplicates import find_duplicates as find_by_keys

pytestmark = pytest.mark.unit

BORN = date(1994, 5, 3)


def key(first: str, last: str, born: date = BORN, country: str = "SN") -> str:
    return match_key(first, last, born, country)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("José Müller", ["jose", "muller"]),
        ("  ÇELİK   Ayşe ", ["celik", "ayse"]),
        ("N'Diaye", ["ndiaye"]),
        ("Abdel-Rahman", ["abdelrahman"]),
        ("Fatou, Diallo.", ["fatou", "diallo"]),
        ("-", []),
    ],
)
def test_normalise_name_keeps_whole_words(raw, words):
    assert normalise_name(raw) == words


def test_key_is_the_versioned_names_date_and_country():
    assert key("Ali", "Mohamed") == "v1|alimohamed|1994-05-03|SN"
    assert key("Mohamed", "Ali") == "v1|alimohamed|1994-05-03|SN"
    assert key("Zoe", "Bah") == "v1|ahzoeb|1994-05-03|SN"  # the circle read from its smallest start


def test_key_is_deterministic():
    assert key("Fatoumata Binta", "Diallo") == key("Fatoumata Binta", "Diallo")


@pytest.mark.parametrize(
    ("first_a", "last_a", "first_b", "last_b"),
    [
        ("Ali", "Mohamed", "Mohamed", "Ali"),  # first and last swapped
        ("José", "Müller", "Jose", "Muller"),  # accents
        ("ÉMILE", "ÇELIK", "émile", "çelik"),  # case and accents together
        ("Mamadou", "N'Diaye", "Mamadou", "Ndiaye"),  # apostrophe
        ("Mamadou", "N’Diaye", "Mamadou", "NDIAYE"),  # typographic apostrophe
        ("Abdel-Rahman", "Osman", "Abdel Rahman", "Osman"),  # hyphen against a space
        ("Abdelrahman", "Osman", "Abdel Rahman", "Osman"),  # joined against split
        ("  Ali   Hassan ", "Mohamed", "Ali Hassan", "Mohamed"),  # extra whitespace
        ("Ali Hassan", "Mohamed", "Mohamed", "Ali Hassan"),  # several words, swapped
        ("Mohamed Ali", "Hassan", "Mohamed", "Ali Hassan"),  # a word moved between the fields
        ("Hassan", "Mohamed Ali", "Ali Hassan", "Mohamed"),  # moved and swapped
        ("Fatou", "Diallo.", "Fatou", "Diallo"),  # stray punctuation
    ],
)
def test_equivalent_spellings_give_the_same_key(first_a, last_a, first_b, last_b):
    assert key(first_a, last_a) == key(first_b, last_b)


@pytest.mark.parametrize(
    ("other_first", "other_last", "born", "country"),
    [
        ("Ali", "Mahmoud", BORN, "SN"),
        ("Alia", "Mohamed", BORN, "SN"),
        ("Ali", "Mohamed Hassan", BORN, "SN"),
        ("Ali", "Mohamed", date(1994, 5, 4), "SN"),
        ("Ali", "Mohamed", BORN, "GM"),
    ],
)
def test_different_name_date_or_country_gives_a_different_key(other_first, other_last, born, country):
    assert key("Ali", "Mohamed") != key(other_first, other_last, born, country)


def test_country_case_does_not_matter():
    assert key("Ali", "Mohamed", country=" sn ") == key("Ali", "Mohamed", country="SN")


def test_key_without_any_letters_is_an_error():
    with pytest.raises(ValueError, match="at least one letter"):
        key(" - ", "'")


def candidate(fiscal_code=None, first="Ali", last="Mohamed") -> Candidate:
    return Candidate(fiscal_code, first, last, BORN, "SN")


FISCAL = "MHMLAI94E03Z343X"


def find_duplicates(candidate, existing, protect=lambda _kind, plain: plain):
    """The domain's two steps as production takes them: the candidate's protected keys, then the match."""
    return find_by_keys(protected_keys(candidate, protect), existing)


def test_same_fiscal_code_matches_even_with_other_names():
    existing = [ExistingKeys("b-1", FISCAL, key("Someone", "Else"))]
    assert find_duplicates(candidate(f" {FISCAL.lower()} ", "Ali", "Mohamed"), existing) == [
        DuplicateMatch("b-1", (MatchReason.same_fiscal_code,))
    ]


def test_same_name_birth_and_country_matches_with_swapped_accented_names():
    existing = [ExistingKeys("b-2", None, key("Mohamed", "Alì"))]
    (match,) = find_duplicates(candidate(None, "Ali", "Mohamed"), existing)
    assert match.beneficiary_id == "b-2"
    assert match.reasons == (MatchReason.same_name_birth,)
    assert match.reasons[0] == "same name, birth date and country"


def test_both_reasons_are_listed_when_both_hold():
    existing = [ExistingKeys("b-3", FISCAL, key("Ali", "Mohamed"))]
    (match,) = find_duplicates(candidate(FISCAL), existing)
    assert match.reasons == (MatchReason.same_fiscal_code, MatchReason.same_name_birth)
    assert [r.value for r in match.reasons] == ["same fiscal code", "same name, birth date and country"]


def test_no_fiscal_code_never_matches_a_record_without_one():
    existing = [ExistingKeys("b-4", None, key("Other", "Person"))]
    assert find_duplicates(candidate(None), existing) == []


def test_only_the_matching_records_are_returned():
    existing = [
        ExistingKeys("b-5", "RSSMRA85T10A562S", key("Mario", "Rossi")),
        ExistingKeys("b-6", None, key("Ali", "Mohamed")),
        ExistingKeys("b-7", None, key("Ali", "Mohamed", country="GM")),
    ]
    assert [m.beneficiary_id for m in find_duplicates(candidate(FISCAL), existing)] == ["b-6"]


def test_protected_keys_are_compared_in_their_protected_form():
    secret = b"per-deployment secret"

    def protect(plain: str) -> str:
        return hmac.new(secret, plain.encode(), hashlib.sha256).hexdigest()

    existing = [
        ExistingKeys("b-8", protect(FISCAL), protect(key("X", "Y"))),
        ExistingKeys("b-9", None, protect(key("Mohamed", "Ali"))),
        ExistingKeys("b-10", FISCAL, key("Ali", "Mohamed")),  # plain values do not match hashes
    ]
    matches = find_duplicates(candidate(FISCAL), existing, protect=lambda _kind, plain: protect(plain))
    assert [(m.beneficiary_id, m.reasons) for m in matches] == [
        ("b-8", (MatchReason.same_fiscal_code,)),
        ("b-9", (MatchReason.same_name_birth,)),
    ]


def test_a_fiscal_code_match_blocks_even_when_confirmed_distinct():
    matches = [DuplicateMatch("b-11", (MatchReason.same_fiscal_code,)),
               DuplicateMatch("b-12", (MatchReason.same_name_birth,))]
    with pytest.raises(DuplicatesFound) as refused:
        refuse_duplicates(matches, confirm_distinct=True)
    assert refused.value.matches == matches
    assert refused.value.overridable is False


def test_a_name_and_birth_match_refuses_until_confirmed_distinct():
    matches = [DuplicateMatch("b-13", (MatchReason.same_name_birth,))]
    with pytest.raises(DuplicatesFound) as refused:
        refuse_duplicates(matches, confirm_distinct=False)
    assert refused.value.overridable is True
    assert refuse_duplicates(matches, confirm_distinct=True) is None
    assert refuse_duplicates([], confirm_distinct=False) is None
