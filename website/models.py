"""Every model, imported in one place so Alembic and the tests see all tables."""

from website.accounts.models import EmailConfirmation, PasswordResetToken, RecoveryCode, User
from website.alerts.models import SentAlert
from website.audit import AuditChainHead, AuditCheckpoint, AuditEntry
from website.consent.models import ConsentRecord, PageView
from website.incidents.models import Incident, IncidentNotice, IncidentRecipient
from website.mail.models import OutboxEmail
from website.policy.models import PolicyAnnouncement, PolicyDraft, PolicyTranslation, PolicyVersion
from website.processing import ProcessingLimit
from website.rights.models import RightsRequest, RightsRequestEvent
from website.scheduled import ScheduledRun
from website.submissions import FormSubmission
from website.subprocessors.models import Objection, Subscriber
from website.support.models import SupportReply, SupportRequest
from website.systems.models import RequestTask, System, TaskUpload
from website.webhooks.models import SeenAnswer

__all__ = [
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEntry",
    "ConsentRecord",
    "EmailConfirmation",
    "FormSubmission",
    "Incident",
    "IncidentNotice",
    "IncidentRecipient",
    "Objection",
    "OutboxEmail",
    "PageView",
    "PasswordResetToken",
    "RecoveryCode",
    "SeenAnswer",
    "PolicyAnnouncement",
    "PolicyDraft",
    "PolicyTranslation",
    "PolicyVersion",
    "ProcessingLimit",
    "RequestTask",
    "RightsRequest",
    "RightsRequestEvent",
    "ScheduledRun",
    "SentAlert",
    "Subscriber",
    "SupportReply",
    "SupportRequest",
    "System",
    "TaskUpload",
    "User",
]
