"""Skills and titles: certification results, and recognitions of qualifications obtained abroad."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from employment.domain.levels import ATECO_SECTIONS
from shared.errors import Conflict, RuleViolation


class RecognitionState(StrEnum):
    requested = "requested"
    in_progress = "in_progress"
    recognised = "recognised"
    refused = "refused"


RECOGNITION_STEPS = {
    RecognitionState.requested: {RecognitionState.in_progress, RecognitionState.recognised, RecognitionState.refused},
    RecognitionState.in_progress: {RecognitionState.recognised, RecognitionState.refused},
}


@dataclass(frozen=True)
class Recognition:
    """One foreign qualification on its way to recognition (e.g. a CIMEA statement of comparability)."""

    recognition_id: UUID
    beneficiary_id: UUID
    organisation_id: str
    qualification: str
    country: str
    sector: str | None
    state: RecognitionState
    requested_on: date
    history: tuple[tuple[RecognitionState, date], ...]

    @property
    def last_on(self) -> date:
        return self.history[-1][1]


def request_recognition(
    *, recognition_id: UUID, beneficiary_id: UUID, organisation_id: str, qualification: str, country: str,
    sector: str | None, requested_on: date, today: date, countries: Collection[str],
) -> Recognition:
    """`countries`: the ISO codes on file (the rulebook's data file): the country decides where the team
    asks for the title's documents (the CIMEA statement, the declaration of value), so a well-formed code
    that names no country ("XX") is refused too."""
    if requested_on > today:
        raise RuleViolation("requested_on", "not_in_future", "a request is dated today or earlier")
    if sector is not None and sector not in ATECO_SECTIONS:
        raise RuleViolation("sector", "ateco_section", "an ATECO section is one letter A to U")
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise RuleViolation("country", "iso_country", "the country is an ISO 3166 alpha-2 code")
    if country not in countries:
        raise RuleViolation("country", "unknown_country", f"{country} is not an ISO 3166 alpha-2 country code")
    return Recognition(recognition_id, beneficiary_id, organisation_id, qualification, country, sector,
                       RecognitionState.requested, requested_on, ((RecognitionState.requested, requested_on),))


def move_recognition(r: Recognition, to: RecognitionState, *, on: date, today: date) -> Recognition:
    allowed = RECOGNITION_STEPS.get(r.state, set())
    if to not in allowed:
        raise Conflict(f"a recognition cannot go from {r.state.value} to {to.value}", rule="recognition_step",
                       field="state", allowed=sorted(s.value for s in allowed))
    if on < r.last_on or on > today:
        raise RuleViolation("on", "date_in_order", f"the step is dated between {r.last_on} and today")
    return replace(r, state=to, history=(*r.history, (to, on)))


class CertificationOutcome(StrEnum):
    certified = "certified"
    partially_certified = "partially_certified"
    not_certified = "not_certified"


@dataclass(frozen=True)
class Certification:
    """A skills certification's result (competences validated against a regional standard)."""

    certification_id: UUID
    beneficiary_id: UUID
    organisation_id: str
    sector: str
    eqf_level: int
    outcome: CertificationOutcome
    certified_on: date


def check_certification(c: Certification, *, today: date) -> Certification:
    if c.sector not in ATECO_SECTIONS:
        raise RuleViolation("sector", "ateco_section", "an ATECO section is one letter A to U")
    if not 1 <= c.eqf_level <= 8:
        raise RuleViolation("eqf_level", "eqf_range", "EQF levels are 1 to 8")
    if c.certified_on > today:
        raise RuleViolation("certified_on", "not_in_future", "a result is dated today or earlier")
    return c
