"""Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with
a secret written `whsec_<base64 key>`. Signing and verifying are the standard's own package
(`standardwebhooks`, no dependencies); the reference receiver (examples/webhook_receiver)
carries a standard-library copy, checked against the package by tests/webhooks/test_signing.py."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import UTC, datetime

from standardwebhooks import Webhook, WebhookVerificationError

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300  # the package's replay window: a timestamp further off is refused


# The package's reasons, said for the system's developers.
REASONS = {
    "Invalid Signature Headers": "The webhook-timestamp is not a number of seconds.",
    "Message timestamp too old": "The webhook-timestamp is outside the 5-minute window.",
    "Message timestamp too new": "The webhook-timestamp is outside the 5-minute window.",
    "No matching signature found": "The webhook-signature does not match.",
}


class SignatureError(ValueError):
    """A signature refused, with the reason."""


def new_secret() -> str:
    """A fresh signing secret (24 random bytes)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value for this message."""
    return Webhook(secret).sign(webhook_id, datetime.fromtimestamp(timestamp, UTC), body)


def headers(secret: str, webhook_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for a message sent now."""
    timestamp = int(now if now is not None else time.time())
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, webhook_id, timestamp, body)}


def verify(secret: str, webhook_id: str, timestamp: str, signature: str, body: bytes) -> None:
    """SignatureError unless the message is signed with this secret within the window."""
    if not webhook_id or not timestamp or not signature:
        raise SignatureError("The webhook-id, webhook-timestamp and webhook-signature headers "
                             "are required.")
    try:
        Webhook(secret).verify(body, {"webhook-id": webhook_id, "webhook-timestamp": timestamp,
                                      "webhook-signature": signature}, json_parse=False)
    except WebhookVerificationError as error:
        raise SignatureError(REASONS.get(str(error), f"The signature is refused: {error}.")
                             ) from None
