"""PostgreSQL stops answering (packets dropped, not refused) under gunicorn gthread workers:
every visitor gets a 503 within 5 s and /healthz within 2 s, nothing accepted is lost, and the
site recovers without a restart once the network heals."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from tests.blackhole import BlackholeProxy
from tests.faults.conftest import (
    LEAKS,
    Browser,
    confirmation_subject,
    new_marker,
    reference_of,
    stored_support,
    support_form,
    table_row,
)
from tests.fixtures.database import POSTGRES_ADMIN_URL

OUTAGE_SECONDS = 6
# With the consent visitor and the /healthz checker, as many clients as a worker has threads
# (4): were they all to land on one worker, none waits for a thread; the test measures the
# database, not queueing (with 3 here, one click waited for a thread, then for the database:
# 5.03 s in a loaded run).
VISITORS = 2


class TimedVisitors:
    """Visitors posting support requests (with a session cookie: no stored page can answer)
    and timing every answer."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[float, int, float, str]] = []  # (sent at, status, seconds, path)
        self.accepted: dict[str, str] = {}
        self.attempted: set[str] = set()
        self.leaks: list[str] = []
        self.threads = [threading.Thread(target=self.visit, daemon=True) for _ in range(VISITORS)]
        self.threads.append(threading.Thread(target=self.consent, daemon=True))
        for thread in self.threads:
            thread.start()

    def visit(self) -> None:
        """One visitor: a page, then a request, again and again."""
        browser = Browser(self.base_url)
        while not self.stop.is_set():
            marker = new_marker()
            with self.lock:
                self.attempted.add(marker)
            for path, form in (("/privacy/versions?page=1", None),
                               ("/support", support_form(marker))):
                started = time.monotonic()
                answer = browser.open(path, form, timeout=12)
                with self.lock:
                    self.answers.append((started, answer.status, time.monotonic() - started, path))
                    if answer.status == 303:
                        self.accepted[marker] = reference_of(answer)
                    if any(word in answer.body for word in LEAKS):
                        self.leaks.append(answer.body[:300])
            time.sleep(0.05)

    def consent(self) -> None:
        """First visitors choosing on the banner (the script's POST, no cookie)."""
        while not self.stop.is_set():
            request = urllib.request.Request(  # noqa: S310 - our own http URL
                self.base_url + "/cookies/consent", data=b"choice=reject_all",
                headers={"Accept": "application/json", "Sec-Fetch-Site": "same-origin"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=12) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with self.lock:
                self.answers.append((started, status, time.monotonic() - started,
                                     "/cookies/consent"))
            time.sleep(0.2)

    def between(self, start: float, end: float) -> list[tuple[float, int, float, str]]:
        """Answers to requests sent in [start, end)."""
        with self.lock:
            return [answer for answer in self.answers if start <= answer[0] < end]

    def finish(self) -> None:
        """Stop and wait for the visitors."""
        self.stop.set()
        for thread in self.threads:
            thread.join(15)


@pytest.mark.postgres
def test_blackholed_database_gives_503_in_time_and_the_site_recovers(site_database, gunicorn):
    name, _admin = site_database  # migrated, with policy version 1
    proxy = BlackholeProxy(5432)
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(":5432", f":{proxy.port}") + f"/{name}"
    server = gunicorn({
        "DATABASE_URL": url, "SECRET_KEY": "fault-test-secret", "RATELIMIT_ENABLED": "false",
        "MAIL_SERVER": "", "POLICY_CACHE_SECONDS": "0", "JOBS_ENABLED": "true",
    }, workers=2, threads=4)
    visitors = TimedVisitors(server.base_url)
    health = Browser(server.base_url)
    try:
        # Traffic flows before the cut: each visitor has had a request accepted.
        deadline = time.monotonic() + 30
        while len(visitors.accepted) < VISITORS and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(visitors.accepted) >= VISITORS, visitors.answers
        cut = time.monotonic()
        logged_before = len(server.log.read_text())
        proxy.blackhole()
        health_times = []
        while time.monotonic() < cut + OUTAGE_SECONDS:
            started = time.monotonic()
            answer = health.open("/healthz", timeout=10)
            health_times.append((answer.status, time.monotonic() - started))
            time.sleep(0.5)
        healed = time.monotonic()
        proxy.restore()
        recovered = None
        while time.monotonic() < healed + 15:
            if health.open("/healthz", timeout=5).status == 200 and any(
                answer[1] == 303 for answer in visitors.between(time.monotonic() - 1, 1e12)
            ):
                recovered = time.monotonic() - healed
                break
            time.sleep(0.2)
        time.sleep(1)
    finally:
        visitors.finish()
        proxy.close()

    during = visitors.between(cut, healed)
    assert during, "visitors kept asking during the outage"
    statuses = Counter(answer[1] for answer in during)
    slowest = max(during, key=lambda answer: answer[2])
    print(f"\nhealthz during: {health_times}\nvisitors during: {statuses}, slowest {slowest}; "
          f"recovered in {recovered} s")
    # A stored page may still answer (200); nothing waits past the limit, nothing is refused.
    assert set(statuses) <= {200, 503} and statuses[503], statuses
    assert slowest[2] < 5, slowest
    assert health_times and all(status == 503 and seconds < 2 for status, seconds in health_times)
    assert recovered is not None, "the site recovers without a restart"
    assert visitors.leaks == []
    log = server.log.read_text()
    assert "Traceback" not in log
    # One line per worker when the database went away, one when it answered again (a worker
    # that found it slow at boot on a loaded machine said so then: that was another outage).
    assert 1 <= log[logged_before:].count("database unavailable") <= 2, log
    rows, mails = stored_support(url.replace(f":{proxy.port}", ":5432"))
    for marker, reference in visitors.accepted.items():
        assert rows.get(marker) == [reference]
        assert mails[confirmation_subject(reference)] == 1
    assert set(rows) <= visitors.attempted
    assert all(len(references) == 1 for references in rows.values())
    table_row(f"PostgreSQL blackholed {OUTAGE_SECONDS} s (gunicorn 2x4 gthread)",
              f"{statuses[200]} ok, {statuses[503]} 503 (slowest {slowest[2]:.1f} s; /healthz "
              f"{max(seconds for _, seconds in health_times):.1f} s), 0 hung",
              f"0 lost, 0 duplicated ({len(rows)} stored)",
              f"0 lost, 0 duplicated ({sum(mails.values())} queued)", f"{recovered:.1f} s")
