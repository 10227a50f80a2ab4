"""The closed vocabularies the path's events promise other services: a value outside them is refused
when the event is built and when it is read. Intake's domain uses these same enumerations."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class PathStatus(StrEnum):
    taken_in_charge = "taken_in_charge"
    plan_agreed = "plan_agreed"
    in_progress = "in_progress"
    autonomy_reached = "autonomy_reached"
    interrupted = "interrupted"
    transferred = "transferred"


class ReasonCategory(StrEnum):
    """Why a path moved, in coarse terms other services may see; the words stay in intake.
    Deliberately no health, religion or similar category: those are GDPR art. 9 data."""

    plan_agreed = "plan_agreed"
    plan_started = "plan_started"
    resumed = "resumed"
    employment = "employment"
    autonomous_housing = "autonomous_housing"
    left_reception = "left_reception"
    moved_away = "moved_away"
    transferred_to_other_service = "transferred_to_other_service"
    stopped_attending = "stopped_attending"
    project_ended = "project_ended"
    personal_circumstances = "personal_circumstances"
    other = "other"


class InterventionKind(StrEnum):
    socio_legal = "socio_legal"
    job_orientation = "job_orientation"
    counselling = "counselling"
    intercultural_mediation = "intercultural_mediation"
    italian_course = "italian_course"
    italian_for_work_course = "italian_for_work_course"
    it_course = "it_course"
    vocational_training = "vocational_training"
    skills_certification = "skills_certification"
    qualification_recognition = "qualification_recognition"
    cv_writing = "cv_writing"
    childcare = "childcare"
    mobility_support = "mobility_support"
    housing_search = "housing_search"
    school_support = "school_support"
    social_cohesion_event = "social_cohesion_event"
    other = "other"


CourseKind = Literal[
    InterventionKind.italian_course,
    InterventionKind.italian_for_work_course,
    InterventionKind.it_course,
    InterventionKind.vocational_training,
]


class CefrLevel(StrEnum):
    A0 = "A0"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"

    @property
    def rank(self) -> int:
        """Position on the CEFR scale: A0 is 0, C2 is 6."""
        return list(CefrLevel).index(self)


# Needs per area as keywords (from the interventions in domain.md); 'other' stands for anything else.
# No health keywords: a need naming a condition is GDPR art. 9 data and stays sealed in intake.
WorkNeed = Literal[
    "job_search", "job_orientation", "traineeship", "work_bursary", "vocational_training", "skills_certification",
    "qualification_recognition", "cv_writing", "italian_for_work", "it_basics", "driving_licence", "mobility",
    "childcare", "self_employment", "other",
]
HousingNeed = Literal[
    "autonomous_lease", "housing_search", "landlord_mediation", "rent_advance", "furniture", "utilities", "cohousing",
    "family_hosting", "other",
]
SocialNeed = Literal[
    "italian_course", "socio_legal", "counselling", "school_support", "social_cohesion", "clubs", "sport",
    "cultural_activities", "civic_orientation", "other",
]

# Codes whose shape every contract checks the same way.
AMOUNT = r"^\d{1,10}(\.\d{1,2})?$"  # decimal euros or hours as text: no float rounding on the wire
ISTAT = r"^\d{6}$"  # a municipality's ISTAT code
