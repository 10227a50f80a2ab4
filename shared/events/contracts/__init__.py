"""The events that cross services. They carry the beneficiary's opaque id (in the envelope) and
only coarse attributes other services need: never names, birth dates, fiscal codes, documents,
contacts, addresses or free text. Importing this package registers every contract."""

from shared.events.contracts.consent import ConsentGiven, ConsentWithdrawn
from shared.events.contracts.employment import (
    EmploymentHired,
    EmploymentIncomeChanged,
    EmploymentPaymentMade,
    EmploymentProposalMade,
    EmploymentStageChanged,
    QualificationRecognitionChanged,
    SkillsCertified,
)
from shared.events.contracts.housing import (
    HousingMovedIn,
    HousingMovedOut,
    HousingProposalMade,
    HousingProposalStatusChanged,
    HousingSupportChanged,
)
from shared.events.contracts.matching import (
    EmploymentCandidateWaiting,
    HousingCandidateWaiting,
)
from shared.events.contracts.path import (
    Area,
    AssessmentRecorded,
    CourseCompleted,
    CourseEnrolled,
    GoalOutcomeRecorded,
    GoalsAdded,
    GoalSummary,
    InterventionCorrected,
    InterventionRecorded,
    NeedKeywords,
    PathStatusChanged,
    PlanAgreed,
    SectorYears,
    SkillsAtLevel,
    skills_per_level,
)
from shared.events.contracts.people import (
    AgeBand,
    BeneficiaryCorrected,
    BeneficiaryEnrolledInProject,
    BeneficiaryErased,
    BeneficiaryRegistered,
    CorrectableField,
)
from shared.events.contracts.vocabulary import AMOUNT
from shared.events.envelope import EventPayload

INTAKE_PUBLISHED: tuple[type[EventPayload], ...] = (
    BeneficiaryRegistered, BeneficiaryErased, AssessmentRecorded, PlanAgreed, GoalOutcomeRecorded,
    PathStatusChanged, InterventionRecorded, CourseEnrolled, CourseCompleted, BeneficiaryCorrected,
    InterventionCorrected, BeneficiaryEnrolledInProject, ConsentGiven, ConsentWithdrawn, GoalsAdded,
)
"""The events on intake's topic: what intake publishes (its wiring and AsyncAPI document) and all that
the services consuming that topic may expect on it."""

__all__ = [
    "ConsentGiven",
    "ConsentWithdrawn",
    "EmploymentHired",
    "EmploymentIncomeChanged",
    "EmploymentPaymentMade",
    "EmploymentProposalMade",
    "EmploymentStageChanged",
    "HousingMovedIn",
    "HousingMovedOut",
    "HousingProposalMade",
    "HousingProposalStatusChanged",
    "HousingSupportChanged",
    "QualificationRecognitionChanged",
    "SkillsCertified",
    "AMOUNT",
    "INTAKE_PUBLISHED",
    "Area",
    "AgeBand",
    "AssessmentRecorded",
    "BeneficiaryCorrected",
    "BeneficiaryEnrolledInProject",
    "BeneficiaryErased",
    "BeneficiaryRegistered",
    "CorrectableField",
    "CourseCompleted",
    "CourseEnrolled",
    "EmploymentCandidateWaiting",
    "GoalOutcomeRecorded",
    "GoalSummary",
    "GoalsAdded",
    "HousingCandidateWaiting",
    "InterventionCorrected",
    "InterventionRecorded",
    "NeedKeywords",
    "PathStatusChanged",
    "PlanAgreed",
    "SectorYears",
    "SkillsAtLevel",
    "skills_per_level",
]
