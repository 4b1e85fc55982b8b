"""Requests received by email, phone or post, entered into the queue by an admin.

The ICO's rule: when the requester's identity is clear on receipt, the month runs from the day
the request was received; otherwise it runs from the day the identity is confirmed (here, the
requester following the emailed confirmation link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.references import new_reference
from website.rights.models import RightsRequest, RightsRequestEvent
from website.rights.service import mark_verified, send_confirmation


@dataclass(frozen=True)
class Received:
    """A request as it reached us outside the site."""

    request_type: str
    name: str
    email: str
    details: str
    received_on: date
    channel: str
    identity_checked: bool


def enter_request(received: Received, admin: User) -> RightsRequest:
    """Store the request, verify it at once or email the confirmation link, audit; commits."""
    request = RightsRequest(
        reference=new_reference("RR"), request_type=received.request_type, name=received.name,
        email=received.email, details=received.details, status="received",
        channel=received.channel, received_on=received.received_on,
        identity_checked=received.identity_checked, created_at=utcnow(),
    )
    request.events.append(RightsRequestEvent(
        actor_id=admin.id, from_status="", to_status="received",
        note=f"Entered by an admin: received by {received.channel} on "
             f"{received.received_on.isoformat()}.",
    ))
    db.session.add(request)
    if received.identity_checked:
        mark_verified(request, admin.id, "Identity clear on receipt: the month runs from "
                                         f"{received.received_on.isoformat()}.")
    else:
        send_confirmation(request)
    record_audit(
        "rights.enter", request.reference,
        {"channel": received.channel, "received_on": received.received_on.isoformat(),
         "identity_checked": received.identity_checked, "request_type": received.request_type},
        actor_id=admin.id, actor=admin.email,
    )
    db.session.commit()
    return request
