"""The owner's way back to a request: the status-page link, the export link, their tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Literal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from website.accounts.service import owns_email
from website.audit import record_audit
from website.extensions import db, utcnow
from website.i18n import localised_url
from website.rights.models import RightsRequest, RightsRequestEvent
from website.rights.terms import EXPORT_DOWNLOADED


def token_hash(token: str) -> str:
    """The SHA-256 of a token: only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def _keyed_token(purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _status_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="rights-status-link")


def access_token(item: RightsRequest) -> str:
    """The owner's status-page token: signed, dated, valid RIGHTS_STATUS_LINK_DAYS days."""
    return _status_signer().dumps(item.reference)


def status_token_state(item: RightsRequest, token: str) -> Literal["ok", "expired", "bad"]:
    """Whether a status-link token opens this request now, has expired, or is not its own."""
    max_age = int(current_app.config["RIGHTS_STATUS_LINK_DAYS"]) * 86400
    if len(token) > 200:
        return "bad"
    try:
        reference = _status_signer().loads(token, max_age=max_age)
    except SignatureExpired:
        reference = _status_signer().loads(token)  # genuine, only too old
        return "expired" if reference == item.reference else "bad"
    except BadSignature:
        return "bad"
    return "ok" if reference == item.reference else "bad"


def export_token(item: RightsRequest) -> str:
    """The token of the export link; it changes whenever a new export window opens."""
    return _keyed_token(f"rights-export:{item.reference}:{item.export_expires_at}")


def status_url(item: RightsRequest) -> str:
    """The absolute status-page link with the owner's token, for emails (in their language)."""
    return localised_url("rights.status", item.locale, reference=item.reference,
                         token=access_token(item))


def owner_can_view(
    item: RightsRequest | None, user: Any, session_references: list[str], token: str | None
) -> bool:
    """True only for the verified owner: their unexpired link, their session, or their account.

    An account sees a request it was linked to, or one made from the address it has
    confirmed (`owns_email`): an address merely typed into the account proves nothing."""
    if item is None or item.verified_at is None:
        return False
    if token and status_token_state(item, token) == "ok":
        return True
    if item.reference in session_references:
        return True
    if user is not None and getattr(user, "is_authenticated", False):
        return item.user_id == user.id or owns_email(user, item.email)
    return False


def export_available(item: RightsRequest) -> bool:
    """True while the owner may download the export of a completed access/portability request."""
    return bool(
        item.export_token_hash
        and item.export_expires_at
        and item.export_expires_at > utcnow()
    )


def export_token_valid(item: RightsRequest, token: str) -> bool:
    """True when the token opens this request's export now."""
    if not export_available(item) or not token:
        return False
    return hmac.compare_digest(token_hash(token), item.export_token_hash or "")


def log_export_download(item: RightsRequest) -> None:
    """Write the download into the request's history and the audit log."""
    item.events.append(
        RightsRequestEvent(from_status=item.status, to_status=item.status,
                           note=EXPORT_DOWNLOADED)
    )
    record_audit("rights.export_downloaded", item.reference, {})
    db.session.commit()
