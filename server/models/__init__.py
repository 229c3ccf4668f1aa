"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees every table."""

from server.models.area import Area, Target
from server.models.audit import AuditEvent
from server.models.export import ExportChunk, ExportJob
from server.models.progress import OfficialProgress
from server.models.record import Assist, Mutation, Outreach, RecordConflict, ReviewEvent, SyncCounter
from server.models.tally import HouseholdCount, TallyCell
from server.models.user import Device, LoginThrottle, SignInCode, User, UserArea, UserSession

__all__ = [
    "Area",
    "Assist",
    "AuditEvent",
    "Device",
    "ExportChunk",
    "ExportJob",
    "HouseholdCount",
    "LoginThrottle",
    "Mutation",
    "OfficialProgress",
    "Outreach",
    "RecordConflict",
    "ReviewEvent",
    "SignInCode",
    "SyncCounter",
    "TallyCell",
    "Target",
    "User",
    "UserArea",
    "UserSession",
]
