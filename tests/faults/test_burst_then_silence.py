"""A burst of submissions, then not one request more: every confirmation still goes out, once,
within a minute. The mail relay is away for the second half of the burst (a restart), so those
first tries fail; nothing may wait for a next visitor or a cron job to try again."""

from __future__ import annotations

import threading
import time
from collections import Counter

from tests.faults.conftest import Browser, new_marker, reference_of, support_form, table_row
from tests.fixtures.mail import SmtpServer
from tests.fixtures.services import free_port

BURST = 48
SENDERS = 6
DEADLINE_SECONDS = 60


def test_burst_then_silence_delivers_every_email_within_a_minute(app, migrated, gunicorn):
    smtp = SmtpServer(port=free_port())
    smtp.start()
    try:
        server = gunicorn({
            "DATABASE_URL": migrated, "SECRET_KEY": "fault-test-secret",
            "RATELIMIT_ENABLED": "false", "JOBS_ENABLED": "true",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "MAIL_POLL_SECONDS": "1",
            "MAIL_RETRY_SECONDS": "1",  # production: 15 s; the same runner, sooner
        }, workers=2, threads=4)
        accepted: dict[str, str] = {}
        lock = threading.Lock()

        def submit(count: int) -> None:
            browser = Browser(server.base_url)
            for _ in range(count):
                marker = new_marker()
                answer = browser.open("/support", support_form(marker))
                if answer.status == 303:
                    with lock:
                        accepted[marker] = reference_of(answer)

        began = time.monotonic()
        for half in (1, 2):
            burst = [threading.Thread(target=submit, args=(BURST // SENDERS // 2,))
                     for _ in range(SENDERS)]
            for thread in burst:
                thread.start()
            for thread in burst:
                thread.join(60)
            if half == 1:
                smtp.stop()  # the relay restarts: the rest of the burst's first tries fail
        time.sleep(1)
        silence = time.monotonic()
        smtp.start()
        assert len(accepted) == BURST

        # Not one request from here on: the site must deliver by itself.
        while len(smtp.messages) < BURST and time.monotonic() < silence + DEADLINE_SECONDS:
            time.sleep(0.5)
        waited = time.monotonic() - silence
        time.sleep(1)  # a copy sent late would show now
    finally:
        smtp.stop()
    delivered = Counter(message["To"] for message in smtp.messages)
    print(f"\nburst {silence - began:.1f} s; {len(smtp.messages)} of {BURST} delivered "
          f"{waited:.1f} s after the last request")
    missing = [marker for marker in accepted if delivered[f"{marker}@example.com"] == 0]
    assert missing == [], f"{len(missing)} confirmations still queued after {waited:.0f} s"
    assert all(delivered[f"{marker}@example.com"] == 1 for marker in accepted)
    assert len(smtp.messages) == BURST
    table_row("A burst of support requests with the mail relay away, then no request at all",
              f"{len(accepted)} ok, 0 503, 0 hung", f"0 lost, 0 duplicated ({BURST} stored)",
              f"0 lost, 0 duplicated (all delivered {waited:.0f} s after the last request)",
              f"{waited:.0f} s")
