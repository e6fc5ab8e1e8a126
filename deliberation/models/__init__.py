from .announcements import Announcement
from .events import Event
from .organizations import Organization
from .people import Membership, Residency, User
from .places import Building, Community, Compound, Ownership, Subdistrict, Unit

__all__ = [
    "Announcement",
    "Building",
    "Community",
    "Compound",
    "Event",
    "Membership",
    "Organization",
    "Ownership",
    "Residency",
    "Subdistrict",
    "Unit",
    "User",
]
