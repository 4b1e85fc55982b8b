"""The admin dashboard and the audit log page."""

from __future__ import annotations

from datetime import date, timedelta

from website.audit import record_audit
from website.extensions import db
from website.policy.service import publish_version


def test_dashboard_links_every_admin_page_and_shows_the_policy(app, client, auth):
    auth.login(admin=True)
    with app.app_context():
        publish_version("## Later\n\nSoon.\n", date.today() + timedelta(days=9), "Soon")
    page = client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/policy", "/admin/support", "/admin/rights", "/admin/consents",
                 "/admin/analytics", "/admin/audit"):
        assert f'href="{path}"' in page
    assert "version 1</a>" in page and "effective 2025-08-11" in page
    assert "Upcoming:" in page and "version 2</a>" in page
    assert "0 drafts in progress." in page


def add_entries(app, count: int, action: str) -> None:
    with app.app_context():
        for n in range(count):
            record_audit(action, target=f"thing {n}", details={"n": n}, actor="cli")
        db.session.commit()


def test_audit_log_lists_actions_with_actor_target_and_details(app, client, auth):
    auth.login(admin=True)
    client.post("/admin/policy/drafts", data={"markdown": "## A\n\nB\n", "summary": "First"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "policy.draft_create" in page and "admin@example.com" in page
    assert "Policy draft" in page and "<dt>Summary</dt><dd>First</dd>" in page


def test_audit_log_filters_by_action_and_paginates(app, client, auth):
    auth.login(admin=True)
    add_entries(app, 60, "rights.status")
    add_entries(app, 3, "support.status")
    first = client.get("/admin/audit?action=rights.status").get_data(as_text=True)
    assert first.count("<code>rights.status</code>") == 50
    assert "support.status</code>" not in first
    assert 'href="/admin/audit?action=rights.status&amp;page=2"' in first
    second = client.get("/admin/audit?action=rights.status&page=2").get_data(as_text=True)
    assert second.count("<code>rights.status</code>") == 10
    assert "Older entries" not in second and "Newer entries" in second
    assert '<option value="support.status">' in first
    assert client.get("/admin/audit?page=abc").status_code == 200
    assert client.get("/admin/audit?page=-4").status_code == 200


def test_audit_log_is_append_only(client, auth):
    auth.login(admin=True)
    for method in (client.post, client.put, client.delete):
        assert method("/admin/audit").status_code == 405
