"""The three Standard Webhooks implementations agree: the site's (website/webhooks/signing.py,
on the `standardwebhooks` package), the package's own `Webhook`, and the reference receiver's
standard-library copy. Each accepts what the others sign, and refuses the same tampering."""

from __future__ import annotations

import importlib.util
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from website.webhooks import signing

RECEIVER = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver" / "receiver.py"
_spec = importlib.util.spec_from_file_location("webhook_receiver", RECEIVER)
assert _spec is not None and _spec.loader is not None
receiver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(receiver)

ids = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40)
bodies = st.binary(max_size=300)
skews = st.integers(min_value=-290, max_value=290)  # inside the 5-minute window


def package_accepts(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True


def site_accepts(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        signing.verify(secret, headers["webhook-id"], headers["webhook-timestamp"],
                       headers["webhook-signature"], body)
    except signing.SignatureError:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(message_id=ids, body=bodies, skew=skews)
def test_everyone_accepts_what_the_site_signs(message_id: str, body: bytes, skew: int) -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, message_id, body, now=time.time() + skew)
    assert package_accepts(secret, headers, body)
    assert receiver.verify(secret, headers, body)
    assert site_accepts(secret, headers, body)


@settings(max_examples=60, deadline=None)
@given(message_id=ids, body=bodies, skew=skews)
def test_the_site_accepts_what_the_package_and_the_receiver_sign(
        message_id: str, body: bytes, skew: int) -> None:
    secret = signing.new_secret()
    stamp = int(time.time()) + skew
    by_package = Webhook(secret).sign(message_id, datetime.fromtimestamp(stamp, UTC), body)
    by_receiver = receiver.sign(secret, message_id, stamp, body)
    assert by_package == by_receiver
    headers = {"webhook-id": message_id, "webhook-timestamp": str(stamp),
               "webhook-signature": f"v1,bm90IGl0 {by_package}"}  # rotation: any one matches
    assert site_accepts(secret, headers, body)


@pytest.mark.parametrize("tamper", ["body", "id", "secret", "stale", "future"])
def test_everyone_refuses_the_same_tampering(tamper: str) -> None:
    secret, body = signing.new_secret(), b'{"status":"done"}'
    now = time.time() + {"stale": -301, "future": 301}.get(tamper, 0)
    headers = signing.headers(secret, "msg_1", body, now=now)
    if tamper == "body":
        body = b'{"status":"refused"}'
    if tamper == "id":
        headers["webhook-id"] = "msg_2"
    if tamper == "secret":
        secret = signing.new_secret()
    verdicts = (package_accepts(secret, headers, body), receiver.verify(secret, headers, body),
                site_accepts(secret, headers, body))
    assert verdicts == (False, False, False)
