"""Spotting a person who is already registered, from their fiscal code or their name and birth."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

# Bump when the normalisation changes: stored keyed hashes of older keys must then be rebuilt.
MATCH_KEY_VERSION = "v1"

_IGNORED = re.compile(r"['’‘`ʼ´\-‐‑–—]")  # apostrophes and hyphens vanish: N'Diaye = Ndiaye
_NOT_A_LETTER = re.compile(r"[^\w]|[\d_]")


class MatchReason(StrEnum):
    same_fiscal_code = "same fiscal code"
    same_name_birth = "same name, birth date and country"




@dataclass(frozen=True)
class Candidate:
    """The person about to be registered (or as a correction would leave them)."""

    fiscal_code: str | None
    first_name: str
    last_name: str
    birth_date: date
    birth_country: str


@dataclass(frozen=True)
class ProtectedKeys:
    """The candidate's keys in their protected form; None is a key not to look for (a correction
    checks only the keys it changes)."""

    fiscal_code: bytes | None
    match_key: bytes | None


@dataclass(frozen=True)
class NewPersonKeys(ProtectedKeys):
    """A registration's keys: it always has a name-and-birth key."""

    match_key: bytes


@dataclass(frozen=True)
class ExistingKeys:
    """What the repository keeps to recognise a registered person, in its protected form."""

    beneficiary_id: UUID
    fiscal_code: bytes | None
    match_key: bytes | None


@dataclass(frozen=True)
class DuplicateMatch:
    beneficiary_id: UUID
    reasons: tuple[MatchReason, ...]

    @property
    def blocking(self) -> bool:
        """The same fiscal code is the same person: never registered twice. A name-and-birth match
        may be a namesake, which the operator can confirm."""
        return MatchReason.same_fiscal_code in self.reasons


class DuplicatesFound(Exception):
    """The person seems registered already: offered for linking, not created twice."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        super().__init__("possible duplicate registration")
        self.matches = matches
        self.overridable = not any(m.blocking for m in matches)


def refuse_duplicates(matches: list[DuplicateMatch], *, confirm_distinct: bool) -> None:
    """The duplicate policy: any match refuses, unless every match is by name and birth only and the
    operator confirmed the person is someone else."""
    if matches and (confirm_distinct is False or any(m.blocking for m in matches)):
        raise DuplicatesFound(matches)


def normalise_name(name: str) -> list[str]:
    """The words of a name, case-folded, without accents, apostrophes, hyphens or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters_only = _NOT_A_LETTER.sub(" ", _IGNORED.sub("", without_marks))
    return letters_only.split()


def has_letters(name: str) -> bool:
    """True when the name keeps at least one letter once normalised, as a match key needs."""
    return bool(normalise_name(name))


def match_key(first_name: str, last_name: str, birth_date: date, birth_country: str) -> str:
    """A deterministic key equal for the same person however the names were spaced, split or ordered."""
    letters = "".join(normalise_name(first_name) + normalise_name(last_name))
    if not letters:
        raise ValueError("a match key needs at least one letter in first_name or last_name")
    # The names are read as a circle and written from the alphabetically smallest starting point.
    # Swapping first and last name ("Ali Mohamed" / "Mohamed Ali") or moving a word between them
    # ("Mohamed Ali | Hassan" / "Mohamed | Ali Hassan") only rotates the circle, and dropping the
    # spaces makes "Abdel Rahman" equal "Abdelrahman", a frequent transliteration difference.
    names = min(letters[start:] + letters[:start] for start in range(len(letters)))
    country = birth_country.strip().upper()
    return f"{MATCH_KEY_VERSION}|{names}|{birth_date.isoformat()}|{country}"


def normalise_fiscal_code(fiscal_code: str) -> str:
    """The fiscal code as compared: upper-case, no surrounding spaces."""
    return fiscal_code.strip().upper()


def protected_keys(candidate: Candidate, protect: Callable[[str, str], bytes]) -> NewPersonKeys:
    """The candidate's keys as the repository keeps them. `protect(kind, plain)` turns a plain key into
    its stored form (a keyed hash, `kind` being "fiscal_code" or "match_key"), so the plain keys are
    never kept."""
    code = protect("fiscal_code", normalise_fiscal_code(candidate.fiscal_code)) if candidate.fiscal_code else None
    key = match_key(candidate.first_name, candidate.last_name, candidate.birth_date, candidate.birth_country)
    return NewPersonKeys(fiscal_code=code, match_key=protect("match_key", key))


def find_duplicates(keys: ProtectedKeys, existing: Iterable[ExistingKeys]) -> list[DuplicateMatch]:
    """Registered people who look like the candidate, each with the reasons it matched."""
    matches = []
    for record in existing:
        reasons = []
        if keys.fiscal_code is not None and record.fiscal_code == keys.fiscal_code:
            reasons.append(MatchReason.same_fiscal_code)
        if keys.match_key is not None and record.match_key == keys.match_key:
            reasons.append(MatchReason.same_name_birth)
        if reasons:
            matches.append(DuplicateMatch(beneficiary_id=record.beneficiary_id, reasons=tuple(reasons)))
    return matches
