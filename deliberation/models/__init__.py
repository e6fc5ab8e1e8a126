from .accounts import LinkRequest
from .announcements import Announcement
from .channels import ApiKey, HotlineImport, HotlineImportRow, Open311Submission
from .committees import BodySeat, Candidate, CommitteeBody, CommitteeElection
from .contracts import Handover, ServiceContract
from .evaluations import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    EvidenceEntry,
    PartyScore,
    SurveyResponse,
)
from .events import Event
from .idempotency import IdempotencyKey
from .indicators import TrendAlarm
from .issues import (
    DEFAULT_SLA,
    Issue,
    IssueActivity,
    IssueCategory,
    IssuePhoto,
    SlaPolicy,
    Urgency,
)
from .ledger import LedgerAttachment, LedgerEntry, LedgerPublication, LedgerRules
from .meetings import AdoptedText, BallotReceipt, MatterDocument
from .organizations import Organization
from .people import Membership, Residency, User
from .places import Building, Community, Compound, Ownership, Subdistrict, Unit
from .sessions import (
    AgendaItem,
    Attendance,
    Invitation,
    Minutes,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
)
from .votes import (
    Ballot,
    BallotAudit,
    Matter,
    MeetingRules,
    OwnersVote,
    PetitionSignature,
    Voter,
)
from .work_orders import (
    Escalation,
    ExtensionRequest,
    WorkOrder,
    WorkOrderEvidence,
    WorkOrderNote,
)

__all__ = [
    "LinkRequest",
    "AdoptedText",
    "BallotReceipt",
    "MatterDocument",
    "TrendAlarm",
    "AgendaItem",
    "Appeal",
    "Announcement",
    "ApiKey",
    "Attendance",
    "Ballot",
    "BallotAudit",
    "BodySeat",
    "Building",
    "Candidate",
    "CommitteeBody",
    "CommitteeElection",
    "Community",
    "Compound",
    "DEFAULT_SLA",
    "Escalation",
    "EvaluationCycle",
    "EvaluationResult",
    "EvidenceEntry",
    "Event",
    "IdempotencyKey",
    "ExtensionRequest",
    "HotlineImport",
    "IdempotencyKey",
    "HotlineImportRow",
    "Invitation",
    "Issue",
    "IssueActivity",
    "IssueCategory",
    "IssuePhoto",
    "Handover",
    "LedgerAttachment",
    "LedgerEntry",
    "LedgerPublication",
    "LedgerRules",
    "Matter",
    "MeetingRules",
    "Membership",
    "Minutes",
    "Open311Submission",
    "Organization",
    "OwnersVote",
    "Ownership",
    "Party",
    "PartyScore",
    "PetitionSignature",
    "Position",
    "Question",
    "Residency",
    "Resolution",
    "ResolutionVote",
    "Round",
    "Session",
    "ServiceContract",
    "SlaPolicy",
    "Subdistrict",
    "SurveyResponse",
    "Unit",
    "Urgency",
    "User",
    "Voter",
    "WorkOrder",
    "WorkOrderEvidence",
    "WorkOrderNote",
]
