"""Irreversible admin actions ask first: a POST without confirm=yes shows what will happen,
changes nothing, and its form re-posts the same fields with confirm=yes."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.admin.test_policy_admin import create_draft, draft_fields
from tests.rights.conftest import stored
from tests.rights.test_admin import seed
from website.audit import AuditEntry
from website.extensions import db, utcnow
from website.mail.models import OutboxEmail
from website.policy.models import PolicyDraft, PolicyVersion


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the confirmation form, unescaped as a browser would post them."""
    start = page.index('class="confirm-form"')
    form = page[start:page.index("</form>", start)]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }


def test_publish_asks_first_saying_how_many_users_are_emailed(app, client, auth, users):
    for n in range(3):
        users.create(email=f"reader{n}@example.com")
    auth.login(admin=True)
    draft_id = create_draft(client)
    today = date.today().isoformat()
    data = draft_fields(effective=today, action="publish", material="y",
                        markdown='## Rights\n\nA "quoted" <b>text</b> & more.\n')
    response = client.post(f"/admin/policy/drafts/{draft_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Publish version 2?" in page
    assert "Email 4 registered users" in page  # three readers and the admin
    assert "button--danger" in page
    assert count(app, PolicyVersion) == 1 and count(app, PolicyDraft) == 1
    assert count(app, OutboxEmail) == 0
    fields = hidden_fields(page)
    assert fields["confirm"] == "yes" and fields["action"] == "publish"
    assert fields["markdown"] == data["markdown"] and fields["material"] == "y"
    assert fields["effective"] == today and fields["summary"] == "Clearer rights"
    # Posting the confirmation form as it stands publishes exactly what was typed.
    response = client.post(f"/admin/policy/drafts/{draft_id}", data=fields)
    assert response.status_code == 303
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == 2))
        assert version.markdown == data["markdown"] and version.material
    assert count(app, OutboxEmail) == 4


def test_a_non_material_publish_says_it_emails_nobody(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    later = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(f"/admin/policy/drafts/{draft_id}",
                           data=draft_fields(effective=later, action="publish"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Email nobody" in page
    assert count(app, PolicyVersion) == 1


def test_publish_with_bad_fields_shows_the_errors_not_the_question(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    response = client.post(f"/admin/policy/drafts/{draft_id}",
                           data=draft_fields(summary="", effective="", action="publish"))
    assert response.status_code == 400
    assert "Summarise the changes to publish." in response.get_data(as_text=True)


def test_discard_asks_first_and_keeps_the_draft(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    response = client.post(f"/admin/policy/drafts/{draft_id}",
                           data=draft_fields(action="discard"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"Discard draft {draft_id}?" in page
    assert "cannot be recovered" in page
    assert count(app, PolicyDraft) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "policy.draft_discard")) == 0
    assert hidden_fields(page)["confirm"] == "yes"
    response = client.post(f"/admin/policy/drafts/{draft_id}", data=hidden_fields(page))
    assert response.status_code == 303 and count(app, PolicyDraft) == 0


def test_reject_asks_first_quoting_the_reason_and_the_address(app, client, auth):
    reference = seed(app, email="x@y.example", request_type="objection")
    auth.login(admin=True)
    reason = "We hold no data <about> this address."
    response = client.post(f"/admin/rights/{reference}/reject", data={"reason": reason})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Reject request {reference}?" in page and "Reject and email x@y.example" in page
    assert html.escape(reason, quote=False) in page and "<about>" not in page
    assert stored(app, reference).status == "verified"
    assert count(app, OutboxEmail) == 0
    fields = hidden_fields(page)
    assert fields == {"csrf_token": fields["csrf_token"], "reason": reason, "confirm": "yes"}
    response = client.post(f"/admin/rights/{reference}/reject", data=fields)
    assert response.status_code == 303 and stored(app, reference).status == "rejected"


def test_approve_erasure_asks_first_naming_the_address(app, client, auth, users):
    users.create(email="x@y.example")
    reference = seed(app, email="x@y.example", request_type="deletion")
    auth.login(admin=True)
    response = client.post(f"/admin/rights/{reference}/approve_deletion")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Erase the data of x@y.example?" in page and "delete the account" in page
    item = stored(app, reference)
    assert item.status == "verified" and item.email == "x@y.example" and item.approved_at is None
    from website.accounts.models import User

    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "x@y.example")) is not None
    response = client.post(f"/admin/rights/{reference}/approve_deletion",
                           data=hidden_fields(page))
    assert response.status_code == 303 and stored(app, reference).status == "completed"


def test_an_action_not_possible_now_is_refused_without_a_question(app, client, auth):
    access = seed(app)
    closed = seed(app, status="completed", closed_at=utcnow())
    auth.login(admin=True)
    assert client.post(f"/admin/rights/{access}/approve_deletion").status_code == 400
    response = client.post(f"/admin/rights/{closed}/reject", data={"reason": "No."})
    assert response.status_code == 400 and stored(app, closed).status == "completed"


def test_only_possible_actions_are_shown(app, client, auth):
    today = utcnow().date()
    overdue = seed(app, due_on=today - timedelta(days=2), verified_at=utcnow() - timedelta(40))
    extended = seed(app, status="in_progress", extended_due_on=today + timedelta(days=40),
                    extension_reason="Many systems.")
    deletion = seed(app, request_type="deletion")
    closed = seed(app, status="rejected", closed_at=utcnow(), outcome="No.")
    auth.login(admin=True)

    def actions(reference: str) -> set[str]:
        page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
        return set(re.findall(rf"/admin/rights/{reference}/(\w+)", page))

    # Every open request's clock can be paused to ask the requester (tests/systems/test_clock.py).
    assert actions(overdue) == {"start", "complete", "reject", "pause"}
    assert actions(extended) == {"complete", "reject", "pause"}
    assert actions(deletion) == {"start", "approve_deletion", "reject", "extend", "pause"}
    assert actions(closed) == set()


def test_a_failed_extension_does_not_fill_the_rejection_box(app, client, auth):
    reference = seed(app)
    auth.login(admin=True)
    typed = "We need more time to search the backups."
    response = client.post(f"/admin/rights/{reference}/extend",
                           data={"months": "7", "reason": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    reject_box = re.search(r'<textarea[^>]*id="reject-reason"[^>]*>(.*?)</textarea>', page, re.S)
    extend_box = re.search(r'<textarea[^>]*id="extend-reason"[^>]*>(.*?)</textarea>', page, re.S)
    assert reject_box and reject_box.group(1).strip() == ""
    assert extend_box and typed in extend_box.group(1)
