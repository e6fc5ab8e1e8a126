from .announcements import Announcement
from .channels import ApiKey, HotlineImport, HotlineImportRow
from .committees import BodySeat, Candidate, CommitteeBody, CommitteeElection
from .events import Event
from .issues import (
    DEFAULT_SLA,
    Issue,
    IssueActivity,
    IssueCategory,
    IssuePhoto,
    SlaPolicy,
    Urgency,
)
from .organizations import Organization
from .people import Membership, Residency, User
from .places import Building, Community, Compound, Ownership, Subdistrict, Unit
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
    "BodySeat",
    "Candidate",
    "CommitteeBody",
    "CommitteeElection",
    "Ballot",
    "BallotAudit",
    "Matter",
    "MeetingRules",
    "OwnersVote",
    "PetitionSignature",
    "Voter",
    "DEFAULT_SLA",
    "Announcement",
    "ApiKey",
    "Building",
    "Community",
    "Compound",
    "Escalation",
    "Event",
    "HotlineImport",
    "HotlineImportRow",
    "ExtensionRequest",
    "Issue",
    "IssueActivity",
    "IssueCategory",
    "IssuePhoto",
    "Membership",
    "Organization",
    "Ownership",
    "Residency",
    "SlaPolicy",
    "Subdistrict",
    "Unit",
    "Urgency",
    "User",
    "WorkOrder",
    "WorkOrderEvidence",
    "WorkOrderNote",
]
