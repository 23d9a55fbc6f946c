"""Registry models, split by subject; import them from here."""

from jiuye.core.models import ChangeLog
from jiuye.registry.models.choices import (
    BusinessKind,
    BusinessStatus,
    EducationLevel,
    EmployerKind,
    EmploymentForm,
    GrassrootsProgram,
    HouseholdStatusKind,
    HukouType,
    Ownership,
    RecognitionKind,
    SizeClass,
    Source,
    TrainingKind,
)
from jiuye.registry.models.employers import Employer, EmployerYear, UnemploymentRate
from jiuye.registry.models.households import Household, HouseholdMember, HouseholdStatus
from jiuye.registry.models.payees import (
    PayeeAccount,
    PayeeAccountKind,
    PayeeAccountState,
)
from jiuye.registry.models.people import (
    BenefitReceipt,
    Business,
    Certificate,
    DifficultyCertification,
    EmploymentRecord,
    Person,
    Training,
    UnemploymentRegistration,
)
from jiuye.registry.models.programs import (
    GrassrootsService,
    Recognition,
    RuralTransferRegistration,
)
from jiuye.registry.models.referrals import Referral

# moved to jiuye.staff; re-exported until every caller imports jiuye.staff.models

__all__ = [
    "BenefitReceipt",
    "Business",
    "BusinessKind",
    "BusinessStatus",
    "Certificate",
    "ChangeLog",
    "DifficultyCertification",
    "EducationLevel",
    "Employer",
    "EmployerKind",
    "EmployerYear",
    "EmploymentForm",
    "EmploymentRecord",
    "GrassrootsProgram",
    "GrassrootsService",
    "Household",
    "HouseholdMember",
    "HouseholdStatus",
    "HouseholdStatusKind",
    "HukouType",
    "Ownership",
    "PayeeAccount",
    "PayeeAccountKind",
    "PayeeAccountState",
    "Person",
    "Recognition",
    "RecognitionKind",
    "Referral",
    "RuralTransferRegistration",
    "SizeClass",
    "Source",
    "Training",
    "TrainingKind",
    "UnemploymentRate",
    "UnemploymentRegistration",
]
