"""What of a skills assessment (bilancio di competenze) may leave intake: needs become keywords
from a closed vocabulary, skills a count per level (their names are free text and stay sealed),
vulnerabilities only a count."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import get_args

from intake.domain.plan import Area
from shared.events.contracts.vocabulary import HousingNeed, SocialNeed, WorkNeed

OTHER = "other"

# Keywords per area: the wire's vocabulary (shared.events.contracts.vocabulary), 'other' for the rest.
NEED_KEYWORDS: dict[Area, frozenset[str]] = {
    area: frozenset(get_args(vocabulary)) - {OTHER}
    for area, vocabulary in ((Area.work, WorkNeed), (Area.housing, HousingNeed), (Area.social, SocialNeed))
}

# Italian and common variants operators write, mapped to the keyword they mean.
SYNONYMS = {
    "tirocinio": "traineeship", "borsa_lavoro": "work_bursary", "ricerca_lavoro": "job_search",
    "job_search_support": "job_search", "cv": "cv_writing", "curriculum": "cv_writing",
    "patente": "driving_licence", "bicycle": "mobility", "bicicletta": "mobility",
    "anticipo_affitto": "rent_advance", "arredi": "furniture", "utenze": "utilities",
    "ricerca_casa": "housing_search", "lease": "autonomous_lease", "affitto": "autonomous_lease",
    "corso_di_italiano": "italian_course", "italian_language": "italian_course", "italiano": "italian_course",
    "legal_assistance": "socio_legal", "sostegno_scolastico": "school_support",
}

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def keyword(text: str) -> str:
    """The text as a keyword: lower case, no accents, words joined by underscores."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("_", plain).strip("_")


def need_keywords(area: Area, needs: Iterable[str]) -> list[str]:
    """The area's needs as vocabulary keywords, 'other' for anything outside it, without repeats."""
    found = []
    for need in needs:
        word = keyword(need)
        word = SYNONYMS.get(word, word)
        found.append(word if word in NEED_KEYWORDS[area] else OTHER)
    return list(dict.fromkeys(found))


def skill_name(name: str) -> str:
    """A skill's name as compared for repeats: case-folded, single spaces."""
    return " ".join(name.casefold().split())
