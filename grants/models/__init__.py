from grants.models.application import Application, Attachment, CostLine, EligibilityResult
from grants.models.mail import SentEmail
from grants.models.programme import CostType, LegalTextBlock, NumberSequence, ProgrammeYear
from grants.models.proof import ExpenseLine, ProofOfUse
from grants.models.territory import (
    STRUCTURAL_PRIORITY,
    Affiliation,
    AffiliationRequest,
    Invitation,
    Kreis,
    Land,
    MembershipStatus,
    Municipality,
    MunicipalityAddress,
    StructuralStatus,
)

__all__ = [
    "STRUCTURAL_PRIORITY",
    "Affiliation",
    "AffiliationRequest",
    "Application",
    "Attachment",
    "CostLine",
    "CostType",
    "EligibilityResult",
    "ExpenseLine",
    "Invitation",
    "Kreis",
    "Land",
    "LegalTextBlock",
    "MembershipStatus",
    "Municipality",
    "MunicipalityAddress",
    "NumberSequence",
    "ProgrammeYear",
    "ProofOfUse",
    "SentEmail",
    "StructuralStatus",
]
