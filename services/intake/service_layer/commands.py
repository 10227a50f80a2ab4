"""Intake's commands in one place: the validated input of each service-layer operation.

They are the service layer's own pydantic models (validation is where the rules that need no stored
data are checked, each naming its field and rule). The HTTP routes take them as request bodies, so
the API documents exactly what a command accepts; the route adds what the request carries beside
the body (the caller, path and query parameters) when it calls the service layer."""

from intake.service_layer.commands_corrections import BeneficiaryCorrectionIn, InterventionCorrectionIn
from intake.service_layer.commands_path import (
    AssessmentIn,
    GoalIn,
    GoalOutcome,
    GoalOutcomeIn,
    GoalsIn,
    InterventionIn,
    NeedsIn,
    PathTransitionIn,
    PhaseIn,
    PlanIn,
    SkillIn,
    WorkExperienceIn,
)
from intake.service_layer.commands_registration import (
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
    "GoalsIn",
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
