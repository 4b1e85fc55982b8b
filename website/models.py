"""Every model, imported in one place so Alembic and the tests see all tables."""

from website.accounts.models import EmailConfirmation, PasswordResetToken, RecoveryCode, User
from website.audit import AuditChainHead, AuditCheckpoint, AuditEntry
from website.consent.models import ConsentRecord, PageView
from website.mail.models import OutboxEmail
from website.policy.models import PolicyAnnouncement, PolicyDraft, PolicyTranslation, PolicyVersion
from website.processing import ProcessingLimit
from website.rights.models import RightsRequest, RightsRequestEvent
from website.scheduled import ScheduledRun
from website.support.models import SupportReply, SupportRequest

__all__ = [
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEntry",
    "ConsentRecord",
    "EmailConfirmation",
    "OutboxEmail",
    "PageView",
    "PasswordResetToken",
    "RecoveryCode",
    "PolicyAnnouncement",
    "PolicyDraft",
    "PolicyTranslation",
    "PolicyVersion",
    "ProcessingLimit",
    "RightsRequest",
    "RightsRequestEvent",
    "ScheduledRun",
    "SupportReply",
    "SupportRequest",
    "User",
]
