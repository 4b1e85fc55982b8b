"""The register of systems, the tasks a rights request gives each system, and the exports the
systems send back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from website.extensions import Model, utcnow

if TYPE_CHECKING:  # the mapper finds it by name; website/models.py imports every model
    from website.rights.models import RightsRequest

KINDS = ("manual", "email", "webhook")
# A task's states: "pending" (to do), "sent" (the email went; waiting for the answer),
# "done" (with a note or the system's export), "waived" (with a written reason).
TASK_STATES = ("pending", "sent", "done", "waived")
OPEN_TASK_STATES = ("pending", "sent")


class System(Model):
    """A system outside this site that holds personal data, and how it is reached."""

    __tablename__ = "systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    data: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(30))  # a key of records.register.LEGAL_BASES
    retention: Mapped[str] = mapped_column(Text)
    processor: Mapped[str] = mapped_column(String(200), default="")  # "": run by us
    location: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10))  # KINDS
    endpoint: Mapped[str] = mapped_column(String(500), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    instructions: Mapped[str] = mapped_column(Text, default="")
    # A webhook system's signing secret, sealed with WEBHOOK_SECRET_KEY (website/webhooks/keys.py).
    secret_sealed: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # A processor's start (Art. 28(2)): set at least 30 days after it is added, so the
    # subscribers to the sub-processor list hear of it first; None: in use before the list.
    starts_at: Mapped[datetime | None]


class RequestTask(Model):
    """What one system must do for one verified rights request."""

    __tablename__ = "request_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("rights_requests.id", ondelete="CASCADE"))
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Art. 19: when this recipient was told of an erasure, correction or restriction.
    told_at: Mapped[datetime | None]
    # A webhook system's delivery (website/webhooks/delivery.py): tries, the next one, the
    # worker's lease, the last error, and when it failed for good (shown on the request).
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    failed_at: Mapped[datetime | None]

    system: Mapped[System] = relationship(lazy="joined")
    rights_request: Mapped[RightsRequest] = relationship(lazy="joined")
    upload: Mapped[TaskUpload | None] = relationship(
        back_populates="task", cascade="all, delete-orphan", uselist=False)


class TaskUpload(Model):
    """A system's export for an access request (JSON or CSV), never served publicly: it goes
    into the requester's own export, and is deleted by its own retention rule."""

    __tablename__ = "task_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("request_tasks.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(20))  # "json" | "csv"
    body: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[RequestTask] = relationship(back_populates="upload")


# The queues: open tasks per request, per system (the bench fills 100,000 tasks).
Index("ix_request_tasks_request", RequestTask.request_id, RequestTask.state)
Index("ix_request_tasks_queue", RequestTask.state, RequestTask.system_id, RequestTask.request_id)
