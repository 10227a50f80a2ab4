"""What of a skills assessment (bilancio di competenze) may leave intake: needs become keywords
from a closed vocabulary, skills a count per level (their names are free text and stay sealed),
vulnerabilities only a count."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from intake.domain.plan import Area

OTHER = "other"

# Keywords per area, from the interventions domain.md lists; anything else is reported as 'other'.
# No health keywords: a need naming a condition is GDPR art. 9 data and stays sealed in intake.
NEED_KEYWORDS: dict[Area, frozenset[str]] = {
    Area.work: frozenset({
        "job_search", "job_orientation", "traineeship", "work_bursary", "vocational_training",
        "skills_certification", "qualification_recognition", "cv_writing", "italian_for_work", "it_basics",
        "driving_licence", "mobility", "childcare", "self_employment",
    }),
    Area.housing: frozenset({
        "autonomous_lease", "housing_search", "landlord_mediation", "rent_advance", "furniture", "utilities",
        "cohousing", "family_hosting",
    }),
    Area.social: frozenset({
        "italian_course", "socio_legal", "counselling", "school_support", "social_cohesion", "clubs",
        "sport", "cultural_activities", "civic_orientation",
    }),
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
