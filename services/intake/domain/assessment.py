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

# Italian and common variants operators write, mapped to the keyword they mean: each keyword in the words
# the platform shows it with in Italian, and the short forms case notes use. A need matches one whole.
SYNONYMS = {
    # work
    "tirocinio": "traineeship", "tirocinio_formativo": "traineeship", "borsa_lavoro": "work_bursary",
    "ricerca_lavoro": "job_search", "ricerca_di_lavoro": "job_search", "job_search_support": "job_search",
    "orientamento": "job_orientation", "orientamento_al_lavoro": "job_orientation",
    "orientamento_lavorativo": "job_orientation", "formazione_professionale": "vocational_training",
    "corso_professionale": "vocational_training", "certificazione_delle_competenze": "skills_certification",
    "certificazione_competenze": "skills_certification", "riconoscimento_dei_titoli": "qualification_recognition",
    "riconoscimento_titoli": "qualification_recognition", "riconoscimento_del_titolo": "qualification_recognition",
    "cv": "cv_writing", "curriculum": "cv_writing", "curriculum_vitae": "cv_writing", "redazione_del_cv": "cv_writing",
    "italiano_per_il_lavoro": "italian_for_work", "alfabetizzazione_informatica": "it_basics",
    "informatica": "it_basics", "informatica_di_base": "it_basics", "patente": "driving_licence",
    "patente_di_guida": "driving_licence", "bicycle": "mobility", "bicicletta": "mobility", "mobilita": "mobility",
    "asilo_nido": "childcare", "nido": "childcare", "cura_dei_figli": "childcare", "babysitting": "childcare",
    "baby_sitting": "childcare", "servizi_per_l_infanzia": "childcare", "lavoro_autonomo": "self_employment",
    "autoimpiego": "self_employment", "autoimprenditorialita": "self_employment",
    # housing
    "anticipo_affitto": "rent_advance", "anticipo_d_affitto": "rent_advance", "arredi": "furniture",
    "mobili": "furniture", "arredamento": "furniture", "utenze": "utilities", "bollette": "utilities",
    "ricerca_casa": "housing_search", "ricerca_alloggio": "housing_search", "lease": "autonomous_lease",
    "affitto": "autonomous_lease", "casa_in_affitto": "autonomous_lease", "locazione": "autonomous_lease",
    "mediazione_abitativa": "landlord_mediation", "mediazione_con_i_proprietari": "landlord_mediation",
    "coabitazione": "cohousing", "accoglienza_in_famiglia": "family_hosting",
    # social
    "corso_di_italiano": "italian_course", "italian_language": "italian_course", "italiano": "italian_course",
    "legal_assistance": "socio_legal", "assistenza_legale": "socio_legal", "consulenza_legale": "socio_legal",
    "assistenza_socio_legale": "socio_legal", "consulenza": "counselling", "sostegno_psicologico": "counselling",
    "supporto_psicologico": "counselling", "sostegno_scolastico": "school_support", "doposcuola": "school_support",
    "coesione_sociale": "social_cohesion", "associazioni": "clubs", "associazionismo": "clubs",
    "attivita_culturali": "cultural_activities", "orientamento_civico": "civic_orientation",
    "educazione_civica": "civic_orientation",
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
