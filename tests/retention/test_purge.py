"""`flask retention purge`: only what is past its time goes; --dry-run deletes nothing."""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import func, select

from website.accounts.models import EmailConfirmation, PasswordResetToken, User
from website.audit import AuditEntry
from website.consent.models import ConsentRecord, PageView
from website.extensions import db, utcnow
from website.incidents.models import Incident, IncidentNotice
from website.mail.models import OutboxEmail
from website.rights.models import RightsRequest, RightsRequestEvent
from website.support.models import SupportReply, SupportRequest

EXPECTED = {
    "page_views": 5,
    "unverified_rights_requests": 1,
    "closed_support_requests": 1,
    "closed_rights_requests": 1,
    "expired_tokens": 1,
    "expired_confirmations": 1,
    "sent_email": 1,
    "consent_records": 2,
    "audit_log": 1,
    "system_exports": 0,  # tests/systems/test_export.py seeds its own
    "incidents": 1,
    "unconfirmed_subscribers": 0,  # tests/subprocessors/test_retention.py seeds its own
}


def ago(days: float):
    return utcnow() - timedelta(days=days)


def support(ref: str, created: float, closed: float | None) -> SupportRequest:
    request = SupportRequest(
        reference=ref, name="Ada", email="ada@example.com", category="other",
        subject="Hello", message="Hi", status="closed" if closed is not None else "open",
        created_at=ago(created), closed_at=ago(closed) if closed is not None else None,
    )
    request.replies.append(SupportReply(body="Answer", created_at=ago(created)))
    return request


def rights(ref: str, created: float, verified: bool, closed: float | None) -> RightsRequest:
    request = RightsRequest(
        reference=ref, request_type="access", name="Ada", email="ada@example.com",
        status="completed" if closed is not None else ("verified" if verified else "received"),
        created_at=ago(created), verified_at=ago(created - 1) if verified else None,
        closed_at=ago(closed) if closed is not None else None,
    )
    request.events.append(RightsRequestEvent(to_status="received", created_at=ago(created)))
    return request


def consent(consent_id: str, days: float) -> ConsentRecord:
    return ConsentRecord(
        consent_id=consent_id, granted=["necessary"], refused=["analytics"], policy_version=1,
        source="banner", created_at=ago(days),
    )


def incident(ref: str, days: float) -> Incident:
    notice = IncidentNotice(reference=ref.replace("BR", "BN"), audience="public", subject="S",
                            body="B")
    return Incident(reference=ref, aware_at=ago(days), summary="A log was exposed.",
                    notices=[notice])


@pytest.fixture
def seeded(app) -> None:
    """Old and new rows of every kind the retention rules cover."""
    with app.app_context():
        user = User(email="ada@example.com", password_hash=bcrypt.hashpw(b"x", bcrypt.gensalt(4))
                    .decode())
        db.session.add(user)
        db.session.flush()
        rows = [
            *(PageView(path="/", visitor_id="v", created_at=ago(731 + n)) for n in range(5)),
            PageView(path="/new", visitor_id="v", created_at=ago(729)),
            rights("RR-OLDUNVER", 31, verified=False, closed=None),
            rights("RR-NEWUNVER", 29, verified=False, closed=None),
            rights("RR-OPEN", 900, verified=True, closed=None),
            rights("RR-OLDCLOSED", 1000, verified=True, closed=731),
            rights("RR-NEWCLOSED", 300, verified=True, closed=100),
            support("SR-OLDCLOSED", 900, closed=731),
            support("SR-NEWCLOSED", 900, closed=700),
            support("SR-OLDOPEN", 1000, closed=None),
            PasswordResetToken(user_id=user.id, token_hash="old", expires_at=ago(2)),
            PasswordResetToken(user_id=user.id, token_hash="grace", expires_at=ago(0.5)),
            PasswordResetToken(user_id=user.id, token_hash="live", expires_at=ago(-1)),
            EmailConfirmation(user_id=user.id, email="new@example.com", token_hash="c-old",
                              expires_at=ago(2)),
            EmailConfirmation(user_id=user.id, email="new@example.com", token_hash="c-live",
                              expires_at=ago(-1)),
            OutboxEmail(to_address="a@example.com", subject="old", body_text="x", sent_at=ago(91)),
            OutboxEmail(to_address="a@example.com", subject="new", body_text="x", sent_at=ago(89)),
            OutboxEmail(to_address="a@example.com", subject="queued", body_text="x",
                        created_at=ago(200)),
            # X: superseded more than the proof period (1095 days) ago -> the first goes.
            consent("X", 1500), consent("X", 1200),
            # Y: superseded only 100 days ago -> the proof period still runs.
            consent("Y", 1200), consent("Y", 100),
            # Z: never renewed; expired (182 days) plus the proof period ago -> goes.
            consent("Z", 1300),
            # The audit log: six years (2192 days) by default.
            AuditEntry(action="policy.publish", actor="old", created_at=ago(2193)),
            AuditEntry(action="policy.publish", actor="recent", created_at=ago(2190)),
            # The breach register: six years from awareness, its notices with it.
            incident("BR-OLD", 2193), incident("BR-RECENT", 2190),
        ]
        db.session.add_all(rows)
        db.session.commit()


def remaining(app) -> dict[str, list[str]]:
    with app.app_context():
        def values(column) -> list[str]:
            return sorted(str(v) for v in db.session.scalars(select(column)))

        return {
            "page_views": values(PageView.path),
            "rights": values(RightsRequest.reference),
            "support": values(SupportRequest.reference),
            "tokens": values(PasswordResetToken.token_hash),
            "confirmations": values(EmailConfirmation.token_hash),
            "email": values(OutboxEmail.subject),
            "consent": [
                f"{r.consent_id}{(utcnow() - r.created_at).days}"
                for r in db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id))
            ],
            "replies": values(SupportReply.request_id),
            "events": values(RightsRequestEvent.request_id),
            "incidents": values(Incident.reference) + values(IncidentNotice.reference),
            "audit": sorted(
                f"{e.actor} {e.action}" for e in db.session.scalars(select(AuditEntry))
            ),
        }


def audit_purges(app) -> list[dict]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == "retention.purge")
        return [entry.details for entry in db.session.scalars(query)]


def test_dry_run_counts_and_deletes_nothing(app, runner, seeded):
    before = remaining(app)
    result = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    for kind, count in EXPECTED.items():
        assert f"{kind}: would delete {count}\n" in result.output
    assert "Dry run: nothing was deleted." in result.output
    assert remaining(app) == before
    assert audit_purges(app) == []


def test_purge_deletes_only_what_is_past_its_time(app, runner, seeded):
    app.config["RETENTION_BATCH_SIZE"] = 2  # several batches for the page views
    dry = runner.invoke(args=["retention", "purge", "--dry-run"]).output
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    for kind, count in EXPECTED.items():
        assert f"{kind}: deleted {count}\n" in result.output
    assert dry.replace("would delete", "deleted").split("total")[0] == (
        result.output.split("total")[0]
    )
    left = remaining(app)
    assert left["page_views"] == ["/new"]
    assert left["rights"] == ["RR-NEWCLOSED", "RR-NEWUNVER", "RR-OPEN"]
    assert left["support"] == ["SR-NEWCLOSED", "SR-OLDOPEN"]
    assert left["tokens"] == ["grace", "live"]
    assert left["confirmations"] == ["c-live"]
    assert left["email"] == ["new", "queued"]
    assert left["consent"] == ["X1200", "Y1200", "Y100"]
    assert len(left["replies"]) == 2 and len(left["events"]) == 3  # children went with parents
    assert left["incidents"] == ["BR-RECENT", "BN-RECENT"]  # the notice went with its incident
    # Version 1's import and the purge's own entry are new; the 2190-day-old entry stays.
    # Version 1 and its shipped German and French translations, from the first start.
    first_start = ["cli policy.publish", "cli policy.translate", "cli policy.translate"]
    assert left["audit"] == [*first_start, "cli retention.purge", "recent policy.publish"]
    assert audit_purges(app) == [EXPECTED]
    again = runner.invoke(args=["retention", "purge"])
    assert "total: deleted 0" in again.output


def test_periods_come_from_configuration(app, seeded):
    from website.retention import purge

    app.config["RETENTION_DAYS"] = {**app.config["RETENTION_DAYS"], "page_views": 10_000}
    with app.app_context():
        counts = purge(dry_run=True)
        assert counts["page_views"] == 0
        assert db.session.scalar(select(func.count()).select_from(PageView)) == 6


def test_audit_period_comes_from_configuration(app, seeded):
    from website.retention import purge

    app.config["RETENTION_DAYS"] = {**app.config["RETENTION_DAYS"], "audit_log": 2000}
    with app.app_context():
        assert purge(dry_run=True)["audit_log"] == 2
