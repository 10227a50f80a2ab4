"""The intake request schemas in one place, for the routes to import."""

from intake.entrypoints.schemas_corrections import BeneficiaryCorrectionIn, InterventionCorrectionIn
from intake.entrypoints.schemas_path import (
    AssessmentIn,
    GoalIn,
    GoalOutcome,
    GoalOutcomeIn,
    InterventionIn,
    NeedsIn,
    PathTransitionIn,
    PhaseIn,
    PlanIn,
    SkillIn,
    WorkExperienceIn,
)
from intake.entrypoints.schemas_registration import (
    BeneficiaryIn,
    ChildIn,
    ConsentIn,
    ConsentScope,
    ContactsIn,
    EducationIn,
    HouseholdIn,
    PermitIn,
    QualificationIn,
    ReceptionIn,
)

__all__ = [
    "AssessmentIn",
    "BeneficiaryCorrectionIn",
    "BeneficiaryIn",
    "ChildIn",
    "ConsentIn",
    "ConsentScope",
    "ContactsIn",
    "EducationIn",
    "GoalIn",
    "GoalOutcome",
    "GoalOutcomeIn",
    "HouseholdIn",
    "InterventionCorrectionIn",
    "InterventionIn",
    "NeedsIn",
    "PathTransitionIn",
    "PermitIn",
    "PhaseIn",
    "PlanIn",
    "QualificationIn",
    "ReceptionIn",
    "SkillIn",
    "WorkExperienceIn",
]
