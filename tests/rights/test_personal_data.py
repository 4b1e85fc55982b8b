"""Export and erasure: everything held about a person, and nothing of theirs left after."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.fixtures.users import PASSWORD
from tests.rights.conftest import days_ago, deliver, link_in, stored
from website.accounts.models import PasswordResetToken, User
from website.audit import AuditEntry, record_audit
from website.consent.models import ConsentRecord
from website.extensions import db, utcnow
from website.mail.service import queue_email
from website.rights.personal_data import email_fingerprint, export_personal_data
from website.rights.service import submit_request
from website.support.models import SupportReply, SupportRequest

EMAIL = "Ada.Lovelace@Example.com"
NAME = "Ada Lovelace"


def person_with_data(app, users) -> int:
    """A user with support requests (one with a reply), consents, a reset token, mail."""
    user_id = users.create(email=EMAIL, name=NAME, organisation="Analytical Engines Ltd",
                           phone="+44 20 7946 0000", address="12 St James's Square, London")
    with app.app_context():
        for n in range(3):
            request = SupportRequest(
                reference=f"SR-TEST000{n}", user_id=user_id if n else None, name=NAME,
                organisation="Analytical Engines Ltd", email=EMAIL.lower() if n == 2 else EMAIL,
                phone="+44 20 7946 0000", category="api", subject=f"Question {n} from {NAME}",
                message=f"Please reply to {EMAIL}. Thanks, {NAME}",
            )
            db.session.add(request)
        db.session.flush()
        db.session.add(SupportReply(request_id=request.id, body=f"Dear {NAME}, done."))
        for choice in (["analytics"], []):
            db.session.add(ConsentRecord(consent_id="c-" + str(len(choice)), granted=choice,
                                         refused=[], policy_version=1, source="banner",
                                         user_id=user_id))
        db.session.add(PasswordResetToken(user_id=user_id, token_hash="f" * 64,
                                          expires_at=utcnow()))
        record_audit("user.login", f"user:{user_id}", {}, actor_id=user_id, actor=EMAIL)
        queue_email(EMAIL, "Welcome", "rights_update", rights_request=None, type_label="",
                    status_label="", due=None, status_url="", outcome=f"Hello {NAME}")
        db.session.commit()
        submit_request("access", NAME, EMAIL, f"I am {NAME}, {EMAIL}")
    return user_id


def every_value_in_the_database(app) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every column of every row of every table."""
    found = []
    with app.app_context():
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                for row in conn.execute(table.select()).mappings():
                    for column, value in row.items():
                        found.append((table.name, column, str(value)))
    return found


def assert_nothing_left_of(app, *needles: str) -> None:
    leaks = [
        (table, column, value[:80])
        for table, column, value in every_value_in_the_database(app)
        for needle in needles
        if needle.lower() in value.lower()
    ]
    assert leaks == []


def test_export_holds_everything_with_purposes_recipients_retention(app, users):
    person_with_data(app, users)
    with app.app_context():
        data = export_personal_data(EMAIL.upper())
    assert data["format"] == "privacy-centre-export/1"
    assert data["account"]["name"] == NAME and data["account"]["phone"] == "+44 20 7946 0000"
    assert sorted(s["reference"] for s in data["support_requests"]) == [
        "SR-TEST0000", "SR-TEST0001", "SR-TEST0002"]
    assert data["support_requests"][2]["replies"][0]["body"] == f"Dear {NAME}, done."
    assert len(data["consent_records"]) == 2 and len(data["password_reset_requests"]) == 1
    assert data["rights_requests"][0]["request_type"] == "access"
    assert {m["subject"] for m in data["emails"]} >= {"Welcome"}
    for kind in ("account", "support_requests", "rights_requests", "consent_records", "emails"):
        info = data["processing"][kind]
        assert info["purposes"] and info["recipients"] and info["retention"]
        assert kind in data["keys"], kind
    assert "730 days" in data["processing"]["support_requests"]["retention"]
    json.dumps(data)  # serialisable as it is


def test_account_export_is_a_json_attachment(app, client, users, auth):
    user_id = person_with_data(app, users)
    auth.login(user_id)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert len(data["support_requests"]) == 3 and data["account"]["email"] == EMAIL


def test_account_pages_need_login(app, client):
    assert client.get("/account/export").status_code == 302
    assert client.post("/account/delete", data={"password": "x"}).status_code == 302


def test_wrong_password_deletes_nothing(app, client, users, auth):
    user_id = person_with_data(app, users)
    auth.login(user_id)
    for password, message in (("wrong", "Nothing has been deleted"), ("", "Enter your password")):
        response = client.post("/account/delete", data={"password": password})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), password
    with app.app_context():
        assert db.session.get(User, user_id) is not None
    assert client.get("/account/export").status_code == 200


def test_account_delete_leaves_no_personal_datum(app, client, users, auth):
    user_id = person_with_data(app, users)
    auth.login(user_id)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your account has been deleted" in page and "What we kept, and why" in page
    assert "3 support requests and" in page and "2 cookie-consent records." in page
    assert_nothing_left_of(app, EMAIL, NAME, "+44 20 7946 0000", "St James")
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalar(select(SupportRequest.status).limit(1)) == "open"
        consents = list(db.session.scalars(select(ConsentRecord)))
        assert len(consents) == 2 and all(c.user_id is None for c in consents)
        kept = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.deleted"))
        assert kept.target == f"user:{user_id}"
        # Their open rights request can no longer be answered: it is closed, not left queued.
        from website.rights.models import RightsRequest

        [left] = db.session.scalars(select(RightsRequest))
        assert left.status == "completed" and left.outcome.startswith("Closed")
    # Logged out: the session no longer opens the account.
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_approved_deletion_request_leaves_no_personal_datum(rights, app, users, auth):
    person_with_data(app, users)
    reference = rights.submit_and_verify(request_type="deletion", email=EMAIL, name=NAME,
                                         details=f"Delete everything about {NAME}")
    admin = app.test_client()
    from tests.fixtures.users import AuthActions

    admin_id = users.create(email="admin@example.com", name="Site Admin", admin=True)
    AuthActions(app, admin, users).login(admin_id)
    page = admin.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Approve deletion" in page
    response = admin.post(f"/admin/rights/{reference}/approve_deletion", data={"confirm": "yes"})
    assert response.status_code == 303
    deliver(app)
    final = [m for m in rights.smtp.to(EMAIL) if "erased" in m["Subject"]]
    assert final and "erased" in body_text(final[0])
    assert_nothing_left_of(app, EMAIL, NAME, "+44 20 7946 0000", "St James")
    item = stored(app, reference)
    with app.app_context():
        assert item.status == "completed" and item.email == email_fingerprint(EMAIL)
    assert item.name == "[erased]" and item.details == "[erased]"
    # The owner's browser still sees the status page, saying what was kept and why.
    status = rights.client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Completed" in status and "What we kept, and why" in status
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    assert "rights.approve_deletion" in actions


def test_access_request_export_download_expires_and_is_logged(rights, app, client, auth):
    reference = rights.submit_and_verify(request_type="access")
    with app.app_context():
        db.session.add(SupportRequest(reference="SR-GRACE001", name="Grace Hopper",
                                      email="grace@example.com", category="api",
                                      subject="COBOL", message="Hello"))
        db.session.commit()
    auth.login(admin=True)
    client.post(f"/admin/rights/{reference}/complete", data={"outcome": "Your account."})
    deliver(app)
    message = [m for m in rights.smtp.to("grace@example.com") if "completed" in m["Subject"]][0]
    owner = app.test_client()
    owner.get(link_in(message, f"/rights/status/{reference}"))
    page = owner.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Download your data" in page
    href = page.split(f'href="/rights/status/{reference}/export/')[1].split('"')[0]
    url = f"/rights/status/{reference}/export/{href}"
    assert app.test_client().get(url).status_code == 404  # the link alone is not enough
    response = owner.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_json()
    assert [s["reference"] for s in data["support_requests"]] == ["SR-GRACE001"]
    assert owner.get(f"/rights/status/{reference}/export/forged").status_code == 410
    with app.app_context():
        actions = [(e.action, e.target) for e in db.session.scalars(select(AuditEntry))]
    assert ("rights.export_downloaded", reference) in actions
    assert "You downloaded your data." in owner.get(
        f"/rights/status/{reference}").get_data(as_text=True)
    rights.age(reference, export_expires_at=days_ago(1))
    assert owner.get(url).status_code == 410
    assert "Download your data" not in owner.get(
        f"/rights/status/{reference}").get_data(as_text=True)


def test_account_page_partial_lists_the_users_requests(rights, app, client, auth):
    auth.login()  # ada@example.com
    rights.submit(email="ada@example.com", name="Ada Lovelace", request_type="portability")
    reference = stored(app).reference
    html = client.get("/account").get_data(as_text=True)
    assert f'href="/rights/status/{reference}"' in html
    assert "Portability" in html and 'href="/account/export"' in html
