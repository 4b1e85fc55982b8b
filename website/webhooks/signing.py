"""Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with
a secret written `whsec_<base64 key>`. The same algorithm as the `standardwebhooks` package;
the reference receiver (examples/webhook_receiver) carries its own copy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300  # the replay window: a timestamp further off is refused


class SignatureError(ValueError):
    """A signature refused, with the reason."""


def new_secret() -> str:
    """A fresh signing secret (24 random bytes)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value for this message."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, webhook_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for a message sent now."""
    timestamp = int(now if now is not None else time.time())
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, webhook_id, timestamp, body)}


def verify(secret: str, webhook_id: str, timestamp: str, signature: str, body: bytes,
           now: float | None = None) -> None:
    """SignatureError unless the message is signed with this secret within the window."""
    if not webhook_id or not timestamp or not signature:
        raise SignatureError("The webhook-id, webhook-timestamp and webhook-signature headers "
                             "are required.")
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError("The webhook-timestamp is not a whole number of seconds.") from None
    if abs((now if now is not None else time.time()) - sent) > TOLERANCE_SECONDS:
        raise SignatureError("The webhook-timestamp is outside the 5-minute window.")
    expected = sign(secret, webhook_id, sent, body).encode()
    for candidate in signature.split():
        if hmac.compare_digest(candidate.encode(), expected):
            return
    raise SignatureError("The webhook-signature does not match.")
