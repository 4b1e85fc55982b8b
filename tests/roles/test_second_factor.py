"""The second factor: TOTP enrolment at /admin/mfa, the code after the password at
/login/code, recovery codes, `create-admin --totp-secret`, `reset-mfa`, and enrolment
required in production."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from tests.fixtures.app import make_app
from tests.fixtures.users import PASSWORD, Users
from website.accounts.models import RecoveryCode, User
from website.audit import AuditEntry
from website.extensions import db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ADMIN = "root@example.com"


def log_in(client, email: str = ADMIN, password: str = PASSWORD):
    """The login form's first step."""
    return client.post("/login", data={"email": email, "password": password})


def code_at(secret: str, offset_steps: int = 0) -> str:
    """The TOTP code of `secret` now (or some 30-second steps away)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def create_admin(runner, secret: str | None = SECRET) -> None:
    args = ["users", "create-admin", ADMIN, "--password", PASSWORD]
    result = runner.invoke(args=[*args, "--totp-secret", secret] if secret else args)
    assert result.exit_code == 0, result.output


def test_an_account_with_a_second_factor_is_asked_for_the_code(app, client, runner) -> None:
    """The right password alone opens nothing: the code follows on /login/code."""
    create_admin(runner)
    response = log_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/login/code"
    assert client.get("/admin/").status_code == 302  # not logged in yet
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = client.post("/login/code", data={"code": code_at(SECRET)})
    assert right.status_code == 303 and right.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_works_once(app, client, runner) -> None:
    """A code seen over a shoulder cannot be replayed in the same 30 seconds."""
    create_admin(runner)
    code = code_at(SECRET)
    log_in(client)
    assert client.post("/login/code", data={"code": code}).status_code == 303
    other = app.test_client()
    log_in(other)
    assert other.post("/login/code", data={"code": code}).status_code == 401


def test_the_code_step_expires_and_needs_the_password_first(app, client, runner) -> None:
    """/login/code without a password typed on this browser sends back to /login."""
    create_admin(runner)
    response = client.post("/login/code", data={"code": code_at(SECRET)})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/admin/").status_code == 302


def enrol(client) -> list[str]:
    """Enrol at /admin/mfa as a logged-in admin; the recovery codes shown."""
    page = client.get("/admin/mfa")
    assert page.status_code == 200 and "<svg" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    done = client.post("/admin/mfa", data={"code": code_at(secret)})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>",
                       done.text)
    assert len(codes) == 10
    return codes


def test_enrolment_shows_a_qr_code_the_secret_and_recovery_codes_once(app, client, auth):
    """The QR code is inline SVG; the codes are stored hashed and shown only once."""
    admin_id = auth.login(admin=True)
    codes = enrol(client)
    with app.app_context():
        stored = list(db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == admin_id)))
        user = db.session.get(User, admin_id)
        assert user.totp_secret is not None
    assert len(stored) == 10 and not set(codes) & set(stored)
    again = client.get("/admin/mfa")
    assert "10</strong> unused recovery codes" in again.text
    assert not any(code in again.text for code in codes)


def test_a_wrong_first_code_enrols_nothing(app, client, auth) -> None:
    admin_id = auth.login(admin=True)
    client.get("/admin/mfa")
    response = client.post("/admin/mfa", data={"code": "000000"})
    assert response.status_code == 400 and "not right" in response.text
    with app.app_context():
        assert db.session.get(User, admin_id).totp_secret is None


def test_a_recovery_code_logs_in_once(app, client, auth) -> None:
    """A recovery code stands in for the app's code, once."""
    admin_id = auth.login(admin=True)
    codes = enrol(client)
    client.post("/logout")
    log_in(client, "admin@example.com")
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 303
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    log_in(client, "admin@example.com")
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 401
    with app.app_context():
        used = db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == admin_id, RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 1


def test_production_sends_an_admin_without_a_second_factor_to_enrol(app, client, auth):
    """With MFA_REQUIRED_FOR_ADMINS (on in production) no other admin page opens first."""
    app.config["MFA_REQUIRED_FOR_ADMINS"] = True
    auth.login(admin=True)
    for path in ("/admin/", "/admin/rights", "/admin/audit", "/admin/policy"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/admin/mfa"
    enrol(client)
    assert client.get("/admin/rights").status_code == 200


def test_reset_mfa_removes_the_factor_ends_sessions_and_is_audited(app, client, runner):
    """A lost device: the operator resets; the owner logs in with the password alone, and
    (the only administrator) is not locked out: they enrol again."""
    app.config["MFA_REQUIRED_FOR_ADMINS"] = True
    create_admin(runner)
    log_in(client)
    client.post("/login/code", data={"code": code_at(SECRET)})
    assert client.get("/admin/rights").status_code == 200
    result = runner.invoke(args=["users", "reset-mfa", ADMIN])
    assert result.exit_code == 0, result.output
    assert client.get("/admin/rights").status_code == 302  # that session ended
    response = log_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").headers["Location"] == "/admin/mfa"
    assert client.get("/admin/mfa").status_code == 200
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.reset_mfa"))
        assert entry is not None and entry.actor == "cli"


def test_create_admin_refuses_a_secret_that_is_not_base32(runner) -> None:
    result = runner.invoke(args=["users", "create-admin", ADMIN, "--password", PASSWORD,
                                 "--totp-secret", "not-base32!"])
    assert result.exit_code != 0 and "base32" in result.output


@pytest.fixture
def limited(app, migrated):
    """An app with rate limits on (memory storage); `app` has emptied the database first."""
    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    Users(limited)
    return limited


def test_wrong_codes_are_throttled(limited) -> None:
    """Guessing six digits is cut short: after 5 wrong codes even the right one waits."""
    runner = limited.test_cli_runner()
    create_admin(runner)
    client = limited.test_client()
    log_in(client)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
    assert client.post("/login/code", data={"code": code_at(SECRET)}).status_code == 429
