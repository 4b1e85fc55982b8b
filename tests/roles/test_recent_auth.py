"""Recent authentication (10 minutes) before publishing, approving an erasure and a user's
export: asked on the confirmation page itself (nothing typed is lost) or at /reauth?next=."""

from __future__ import annotations

import re
from datetime import date

import pyotp
from sqlalchemy import func, select

from tests.fixtures.users import PASSWORD
from website.accounts import mfa
from website.accounts.models import User
from website.accounts.sessions import AUTH_AT
from website.extensions import db
from website.policy.models import PolicyVersion

TEXT = "# Privacy\n\nA clearer text, typed by hand over an hour."
SUMMARY = "Clearer rights, typed carefully"


def eleven_minutes_ago(client) -> None:
    """The session's last password was typed 11 minutes ago (the login itself, say)."""
    with client.session_transaction() as session:
        session[AUTH_AT] -= 11 * 60


def versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PolicyVersion.id)))


def publish_fields(**extra: str) -> dict[str, str]:
    return {"markdown": TEXT, "summary": SUMMARY, "effective": date.today().isoformat(),
            "action": "publish", **extra}


def test_publishing_asks_for_the_password_on_the_confirmation_page(app, client, auth) -> None:
    auth.login(admin=True)
    draft = client.post("/admin/policy/drafts", data={"markdown": "# Draft", "summary": ""})
    url = draft.headers["Location"]
    eleven_minutes_ago(client)
    page = client.post(url, data=publish_fields())
    assert page.status_code == 200
    assert 'name="password"' in page.text and "within the last 10 minutes" in page.text
    # What the admin typed rides along in the confirmation form, unchanged.
    assert 'name="summary" value="Clearer rights, typed carefully"' in page.text
    refused = client.post(url, data=publish_fields(confirm="yes"))
    assert refused.status_code == 401 and "Type your password" in refused.text
    wrong = client.post(url, data=publish_fields(confirm="yes", password="not my password"))
    assert wrong.status_code == 401 and "not right" in wrong.text
    assert 'name="markdown"' in wrong.text and "not my password" not in wrong.text
    assert versions(app) == 1
    done = client.post(url, data=publish_fields(confirm="yes", password=PASSWORD))
    assert done.status_code == 303 and versions(app) == 2
    with app.app_context():
        assert db.session.scalar(select(PolicyVersion.summary).where(
            PolicyVersion.number == 2)) == SUMMARY


def test_a_fresh_login_is_a_recent_authentication(app, client, auth) -> None:
    """Within 10 minutes of typing the password, confirming is one click, as before."""
    auth.login(admin=True)
    url = client.post("/admin/policy/drafts", data={"markdown": "# Draft"}).headers["Location"]
    assert client.post(url, data=publish_fields(confirm="yes")).status_code == 303
    assert versions(app) == 2


def test_approving_an_erasure_takes_a_totp_code_on_the_page(app, client, auth) -> None:
    """An admin with a second factor may type its code instead of the password."""
    from website.rights import service

    admin_id = auth.login(admin=True)
    secret = mfa.new_secret()
    with app.app_context():
        mfa.set_second_factor(db.session.get(User, admin_id), secret)
        db.session.commit()
        _, token = service.submit_request("deletion", "Bob", "bob@example.com", "")
        state, item = service.verify(token)
        assert item is not None
        reference = item.reference
    eleven_minutes_ago(client)
    url = f"/admin/rights/{reference}/approve_deletion"
    page = client.post(url)
    assert page.status_code == 200 and 'name="code"' in page.text
    assert client.post(url, data={"confirm": "yes", "code": "000000"}).status_code == 401
    with app.app_context():
        assert service.get_by_reference(reference).status != "completed"
    done = client.post(url, data={"confirm": "yes", "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 303
    with app.app_context():
        assert service.get_by_reference(reference).status == "completed"


def test_a_users_export_needs_a_recent_password(app, client, auth) -> None:
    """A remembered session from long ago goes through /reauth, then on to the download."""
    auth.login()
    eleven_minutes_ago(client)
    response = client.get("/account/export")
    assert response.status_code == 303
    assert response.headers["Location"] == "/reauth?next=/account/export"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="password"' in page.text
    wrong = client.post("/reauth", data={"password": "nope nope nope", "next": "/account/export"})
    assert wrong.status_code == 401
    right = client.post("/reauth", data={"password": PASSWORD, "next": "/account/export"})
    assert right.status_code == 303 and right.headers["Location"] == "/account/export"
    download = client.get("/account/export")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]


def test_reauth_never_sends_anyone_to_another_site(app, client, auth) -> None:
    auth.login()
    response = client.post("/reauth", data={"password": PASSWORD,
                                            "next": "https://evil.example/"})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    page = client.get("/reauth?next=//evil.example/")
    assert not re.search(r'value="//evil', page.text)


def test_wrong_passwords_on_a_confirmation_page_are_throttled(app, migrated) -> None:
    """Guessing the password through the confirmation page meets the same limit as /reauth:
    past it even the right password is not checked until the window passes."""
    from tests.fixtures.app import make_app
    from tests.fixtures.users import AuthActions, Users

    limited = make_app(migrated, RATELIMIT_ENABLED=True)
    client = limited.test_client()
    AuthActions(limited, client, Users(limited)).login(admin=True)
    url = client.post("/admin/policy/drafts", data={"markdown": "# Draft"}).headers["Location"]
    eleven_minutes_ago(client)
    for _ in range(5):
        wrong = client.post(url, data=publish_fields(confirm="yes", password="not it at all"))
        assert wrong.status_code == 401
    blocked = client.post(url, data=publish_fields(confirm="yes", password=PASSWORD))
    assert blocked.status_code == 401 and versions(limited) == 1
