"""Admin work: landing on /admin/, what needs attention, queue search, readable audit rows,
and no public notice or cookie banner inside /admin."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.fixtures.users import PASSWORD
from tests.rights.test_admin import seed
from website.audit import record_audit
from website.extensions import db, utcnow
from website.policy.service import publish_version

REFERENCE_LINK = re.compile(r'<a href="/admin/rights/(RR-\w+)">')


def test_an_admin_lands_on_the_dashboard_after_login(client, users):
    users.create(email="boss@example.com", admin=True)
    response = client.post("/login", data={"email": "boss@example.com", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert client.get("/login").headers["Location"] == "/admin/"


def test_a_safe_next_still_wins_and_users_still_land_on_their_account(app, users):
    users.create(email="boss@example.com", admin=True)
    users.create(email="ada@example.com")
    admin, user = app.test_client(), app.test_client()
    response = admin.post("/login?next=/admin/audit",
                          data={"email": "boss@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/audit"
    response = admin.post("/logout")
    response = admin.post("/login?next=//evil.example/",
                          data={"email": "boss@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"
    response = user.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def test_admin_pages_carry_no_cookie_banner_and_no_policy_notice(app, client, auth):
    with app.app_context():
        publish_version("## Rights\n\nNew.\n", date.today(), "New", material=True)
    auth.login(admin=True)
    public = client.get("/privacy").get_data(as_text=True)
    assert "Our privacy policy changed on" in public and 'id="consent-banner"' in public
    for path in ("/admin/", "/admin/policy", "/admin/rights", "/admin/support", "/admin/audit"):
        page = client.get(path).get_data(as_text=True)
        assert 'id="consent-banner"' not in page, path
        assert "Our privacy policy changed on" not in page, path


def test_dashboard_shows_overdue_and_due_this_week_with_links(app, client, auth):
    today = utcnow().date()
    late = [seed(app, due_on=today - timedelta(days=n)) for n in (1, 3)]
    soon = seed(app, due_on=today + timedelta(days=2), status="in_progress")
    later = seed(app, due_on=today + timedelta(days=20))
    seed(app, due_on=today - timedelta(days=5), status="completed", closed_at=utcnow())
    auth.login(admin=True)
    page = client.get("/admin/").get_data(as_text=True)
    attention = page[page.index("Needs attention"):page.index("At a glance")]
    assert re.search(r'href="/admin/rights\?due=overdue"><span class="count">2</span>', attention)
    assert re.search(r'href="/admin/rights\?due=soon"><span class="count">1</span>', attention)
    overdue = REFERENCE_LINK.findall(client.get("/admin/rights?due=overdue").get_data(True))
    assert overdue == [late[1], late[0]]
    assert REFERENCE_LINK.findall(client.get("/admin/rights?due=soon").get_data(True)) == [soon]
    assert later not in client.get("/admin/rights?due=soon").get_data(True)
    assert client.get("/admin/rights?due=someday").status_code == 400


def test_rights_queue_searches_by_reference_or_email_in_every_status(app, client, auth):
    mine = seed(app, email="Grace.Hopper@Example.com", status="completed", closed_at=utcnow())
    also_mine = seed(app, email="grace.hopper@example.com")
    other = seed(app, email="someone@example.com")
    auth.login(admin=True)
    by_email = client.get("/admin/rights?q=GRACE.hopper@example.COM").get_data(as_text=True)
    assert set(REFERENCE_LINK.findall(by_email)) == {mine, also_mine}
    assert "2 requests matching" in by_email
    by_reference = client.get(f"/admin/rights?q={mine.lower()}").get_data(as_text=True)
    assert REFERENCE_LINK.findall(by_reference) == [mine]
    open_only = client.get("/admin/rights?q=grace.hopper@example.com&status=open")
    assert REFERENCE_LINK.findall(open_only.get_data(as_text=True)) == [also_mine]
    nonsense = client.get("/admin/rights?q=grace").get_data(as_text=True)
    assert REFERENCE_LINK.findall(nonsense) == [] and "Search by a request reference" in nonsense
    assert 'value="grace"' in nonsense
    assert other not in by_email


def test_audit_rows_name_and_link_their_targets_with_readable_values(app, client, auth, users):
    ada = users.create(email="ada@example.com")
    reference = seed(app)
    with app.app_context():
        record_audit("user.promote_admin", f"user:{ada}", {"password_set": False}, actor="cli")
        record_audit("user.create_admin", "user:999", {"password_set": True}, actor="cli")
        record_audit("rights.complete", reference,
                     {"from_status": "in_progress", "to_status": "completed"})
        record_audit("policy.publish", "policy version 1", {"material": True, "summary": None})
        db.session.commit()
    auth.login(admin=True)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Account ada@example.com" in page and "Account #999 (deleted)" in page
    assert "user:" not in page
    assert f'<a href="/admin/rights/{reference}">Rights request {reference}</a>' in page
    assert '<a href="/privacy/versions/1">Policy version 1</a>' in page
    assert "<dt>Password set</dt><dd>no</dd>" in page and "<dt>Material</dt><dd>yes</dd>" in page
    assert "<dt>From status</dt><dd>In progress</dd>" in page
    assert "<dt>Summary</dt><dd>—</dd>" in page
    assert "True" not in page and "False" not in page and "None" not in page
