"""How long telling 100,000 people about a breach takes, end to end (GDPR Art. 34).

Usage: .venv/bin/python bench/bench_notify.py [PEOPLE] [sqlite|postgresql] [SENDERS]
(defaults: 100000 people, a fresh SQLite file, 2 sender processes). It seeds PEOPLE accounts
with confirmed addresses (English, German and French in turn) plus 1% unconfirmed ones,
records an incident, and sends the admin's confirming request exactly as the browser posts it
(POST /admin/incidents/<ref>/notices, audience=everyone, confirm=yes). It prints that
request's time (target: under 1 s), then the time until every email is queued and delivered
to a local aiosmtpd server by SENDERS processes running what `flask outbox send` runs, and
checks that the SMTP server received exactly one email per confirmed address. SENDERS=0 stops
after queueing every batch (the request's time and the fan-out's, without delivery).
"""

from __future__ import annotations

import multiprocessing
import secrets
import sys
import time
from pathlib import Path

import bcrypt
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import free_port, fresh_database  # noqa: E402
from website import create_app  # noqa: E402
from website.accounts.models import User  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.incidents import service  # noqa: E402
from website.incidents.models import IncidentNotice  # noqa: E402
from website.incidents.notices import continue_notices  # noqa: E402
from website.mail.service import deliver_outbox, queued_count  # noqa: E402

LOCALES = ("en", "de", "fr")
NOTICE = {
    "audience": "everyone", "accounts": "", "addresses": "",
    "subject": "A breach that affects your account",
    "body": "An API log with your email address was readable for two days.\n\nRotate your key.",
    "subject_de": "Eine Datenpanne betrifft Ihr Konto",
    "body_de": "Ein API-Protokoll mit Ihrer E-Mail-Adresse war zwei Tage lesbar.",
    "subject_fr": "Une violation de données concerne votre compte",
    "body_fr": "Un journal de l’API contenant votre adresse était lisible pendant deux jours.",
    "action": "send", "confirm": "yes",
}


def make_app(url: str, smtp_port: int = 0):
    """The site on the bench database, mailing the local SMTP server."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    if smtp_port:
        config.MAIL_SERVER, config.MAIL_PORT = "127.0.0.1", smtp_port
    return create_app(config)


def seed(app, people: int) -> tuple[int, str]:
    """PEOPLE confirmed accounts, 1% unconfirmed ones, an admin and an incident."""
    hashed = bcrypt.hashpw(b"bench", bcrypt.gensalt(4)).decode()
    unconfirmed = max(people // 100, 1)
    with app.app_context():
        for start in range(0, people + unconfirmed, 10_000):
            rows = [
                {"email": f"person{n}-{secrets.token_hex(3)}@example.com",
                 "password_hash": hashed, "session_token": secrets.token_urlsafe(24),
                 "locale": LOCALES[n % 3], "email_confirmed_at": utcnow() if n < people else None}
                for n in range(start, min(start + 10_000, people + unconfirmed))
            ]
            db.session.execute(insert(User), rows)
        admin = User(email="bench-admin@example.com", password_hash=hashed, is_admin=True,
                     email_confirmed_at=utcnow())
        db.session.add(admin)
        db.session.commit()
        incident = service.create_incident(service.IncidentFields(
            aware_at=utcnow(), summary="An API log was readable.", categories="API customers",
            people_count=people, records_count=people, consequences="Phishing.",
            measures="Log removed.", contact="dpo@example.com"), service.Actor(admin.id, "bench"))
        return admin.id, incident.reference


def send_until_done(url: str, smtp_port: int) -> None:
    """One sender process: what `flask outbox send` runs, until nothing is left to send."""
    app = make_app(url, smtp_port)
    with app.app_context():
        while True:
            sent, _failed = deliver_outbox(limit=500)
            unfinished = db.session.scalar(select(func.count()).select_from(IncidentNotice)
                                           .where(IncidentNotice.finished_at.is_(None)))
            if sent == 0 and not unfinished and queued_count() == 0:
                break
            db.session.remove()


def main() -> None:
    """Seed, confirm, deliver; print the figures."""
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    kind = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    senders = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    url, cleanup = fresh_database(kind)
    try:
        measure(url, people, senders)
    finally:
        cleanup()


def measure(url: str, people: int, senders: int) -> None:
    """Run the confirming request and the delivery; print the figures."""
    from aiosmtpd.controller import Controller

    received: list[str] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.extend(envelope.rcpt_tos)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    app = make_app(url, port)
    admin_id, reference = seed(app, people)
    client = app.test_client()
    with app.app_context():
        token = db.session.get(User, admin_id).session_token
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    started = time.perf_counter()
    response = client.post(f"/admin/incidents/{reference}/notices", data=NOTICE)
    request_seconds = time.perf_counter() - started
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with app.app_context():
        queued_by_request = queued_count()
    if not senders:
        with app.app_context():
            continue_notices()
            queued = queued_count()
        controller.stop()
        print(f"database: {url.split(':', 1)[0]}; people: {people + 1:,} confirmed")
        print(f"confirming request (store, queue the first batch): {request_seconds:.2f} s"
              f" ({queued_by_request:,} emails queued by it)")
        print(f"every batch queued: {time.perf_counter() - started:.1f} s ({queued:,} emails)")
        assert queued == people + 1
        return
    workers = [multiprocessing.Process(target=send_until_done, args=(url, port))
               for _ in range(senders)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total_seconds = time.perf_counter() - started
    controller.stop()
    told = people + 1  # the admin's own address is confirmed too
    print(f"database: {url.split(':', 1)[0]}; sender processes: {senders}")
    print(f"people with a confirmed address: {told:,} (plus {max(people // 100, 1):,} unconfirmed)")
    print(f"confirming request (store, queue the first batch): {request_seconds:.2f} s"
          f" ({queued_by_request:,} emails queued by it)")
    print(f"end to end (confirm, queue every batch, deliver to aiosmtpd): {total_seconds:.1f} s"
          f" = {len(received) / total_seconds:,.0f} emails/s")
    print(f"emails received by the SMTP server: {len(received):,}"
          f" (distinct addresses: {len(set(received)):,})")
    assert len(received) == len(set(received)) == told, "one email per confirmed address"


if __name__ == "__main__":
    main()
