"""A material change: one email per registered user through the outbox, and the re-consent rule."""

from __future__ import annotations

import secrets
import time
from datetime import date, timedelta

import bcrypt
from sqlalchemy import func, insert, select

from tests.fixtures.mail import body_text
from website.accounts.models import User
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.mail.service import send_pending

TEXT = "## Your Rights\n\nYou may now also object to profiling.\n"


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def publish_from_admin(client, auth, material: bool, effective: date | None = None) -> None:
    auth.login(admin=True)
    response = client.post(
        "/admin/policy/drafts", data={"markdown": TEXT, "summary": "Profiling", "effective": ""}
    )
    data = {
        "markdown": TEXT,
        "summary": "You may object to profiling.",
        "effective": (effective or date.today()).isoformat(),
        "action": "publish",
        "confirm": "yes",
    }
    if material:
        data["material"] = "y"
    response = client.post(response.headers["Location"], data=data)
    assert response.status_code == 303


def test_material_publish_emails_every_registered_user(app, client, auth, users, smtp):
    users.create(email="ada@example.com")
    users.create(email="grace@example.com", name="Grace Hopper")
    publish_from_admin(client, auth, material=True)
    queued = outbox(app)
    assert sorted(e.to_address for e in queued) == [
        "ada@example.com", "admin@example.com", "grace@example.com"
    ]
    with app.app_context():
        assert send_pending() == (3, 0)
    [message] = smtp.to("grace@example.com")
    assert message["Subject"] == f"Our privacy policy changed on {date.today():%-d %B %Y}"
    text = body_text(message)
    assert "http://localhost/privacy/diff?from=1&to=2" in text
    assert "You may object to profiling." in text
    assert "Grace" not in text  # one generic body for everyone


def test_an_address_nobody_proved_gets_no_announcement(app, client, auth, users):
    users.create(email="ada@example.com")
    users.create(email="someone-elses@example.com", confirmed=False)
    publish_from_admin(client, auth, material=True)
    assert sorted(e.to_address for e in outbox(app)) == ["ada@example.com", "admin@example.com"]


def test_upcoming_material_change_says_when(app, client, auth, users):
    users.create(email="ada@example.com")
    later = date.today() + timedelta(days=20)
    publish_from_admin(client, auth, material=True, effective=later)
    [first, *_] = outbox(app)
    assert first.subject == f"Our privacy policy changes on {later:%-d %B %Y}"
    assert f"takes effect on {later:%-d %B %Y}" in first.body_text


def test_non_material_publish_emails_nobody(app, client, auth, users):
    users.create(email="ada@example.com")
    publish_from_admin(client, auth, material=False)
    assert outbox(app) == []


def test_five_thousand_users_are_queued_in_one_request(app, client, auth):
    hashed = bcrypt.hashpw(b"not used", bcrypt.gensalt(4)).decode()
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {"email": f"user{n}@example.com", "password_hash": hashed,
                 "session_token": secrets.token_urlsafe(24), "email_confirmed_at": utcnow()}
                for n in range(5000)
            ],
        )
        db.session.commit()
    started = time.perf_counter()
    publish_from_admin(client, auth, material=True)
    elapsed = time.perf_counter() - started
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 5001
        recipients = db.session.scalar(select(func.count(func.distinct(OutboxEmail.to_address))))
        assert recipients == 5001
    # Generous: one INSERT ... SELECT, not 5,000 renders; the figure is for the report.
    print(f"publish with 5,000 users: {elapsed:.2f}s")
    assert elapsed < 20


def test_cli_import_of_a_material_version_is_announced_and_audited(app, runner, users, tmp_path):
    users.create(email="ada@example.com")
    source = tmp_path / "policy.md"
    source.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(
        args=["policy", "import", str(source), "--summary", "Profiling", "--material"]
    )
    assert result.exit_code == 0, result.output
    assert [e.to_address for e in outbox(app)] == ["ada@example.com"]


def test_large_announcements_are_queued_in_resumable_batches(app, client, auth, users, monkeypatch):
    from website.policy import announce

    monkeypatch.setattr(announce, "ANNOUNCEMENT_BATCH", 2)
    for n in range(4):
        users.create(email=f"user{n}@example.com")
    publish_from_admin(client, auth, material=True)  # 5 users with the admin
    assert len(outbox(app)) == 2
    with app.app_context():
        assert announce.continue_announcements() == 3
        assert announce.continue_announcements() == 0
    recipients = sorted(e.to_address for e in outbox(app))
    assert recipients == sorted(["admin@example.com"] + [f"user{n}@example.com" for n in range(4)])


def test_later_registrations_are_not_in_the_announcement(app, client, auth, users, monkeypatch):
    from website.policy import announce

    monkeypatch.setattr(announce, "ANNOUNCEMENT_BATCH", 1)
    users.create(email="early@example.com")
    publish_from_admin(client, auth, material=True)
    users.create(email="late@example.com")
    with app.app_context():
        announce.continue_announcements()
    assert sorted(e.to_address for e in outbox(app)) == ["admin@example.com", "early@example.com"]


def test_outbox_send_carries_an_unfinished_announcement_forward(app, client, auth, users, runner,
                                                                 smtp, monkeypatch):
    from website.policy import announce

    monkeypatch.setattr(announce, "ANNOUNCEMENT_BATCH", 1)
    users.create(email="ada@example.com")
    publish_from_admin(client, auth, material=True)
    assert len(outbox(app)) == 1
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0, still queued 0" in result.output
    assert sorted(m["To"] for m in smtp.messages) == ["ada@example.com", "admin@example.com"]
