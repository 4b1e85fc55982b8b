"""Admin policy drafts: create, save, preview (sanitised, with the diff), publish, discard."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from website.audit import AuditEntry
from website.extensions import db
from website.policy.models import PolicyDraft, PolicyVersion

NEW_TEXT = "## Your Rights\n\nYou may ask us for a copy of your data at any time.\n"


def draft_fields(**overrides: str) -> dict[str, str]:
    fields = {"markdown": NEW_TEXT, "summary": "Clearer rights", "effective": ""}
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def create_draft(client, **overrides: str) -> int:
    response = client.post("/admin/policy/drafts", data=draft_fields(**overrides))
    assert response.status_code == 303
    match = re.fullmatch(r"/admin/policy/drafts/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def audit_actions(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.actor, e.target) for e in rows]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_admin_pages_need_an_admin(client, auth):
    for path in ("/admin/", "/admin/policy", "/admin/policy/drafts/new", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/admin/policy/drafts", data=draft_fields()).status_code == 302
    auth.login()
    for path in ("/admin/", "/admin/policy", "/admin/audit"):
        assert client.get(path).status_code == 403
    assert client.post("/admin/policy/drafts", data=draft_fields()).status_code == 403
    assert count(client.application, PolicyDraft) == 0


def test_new_draft_starts_from_the_current_version(client, auth):
    auth.login(admin=True)
    page = client.get("/admin/policy/drafts/new").get_data(as_text=True)
    assert "## Your Rights" in page
    assert 'action="/admin/policy/drafts"' in page
    assert 'name="markdown"' in page and 'name="effective"' in page and 'name="material"' in page


def test_create_draft_redirects_to_it_and_is_audited(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client, effective="2030-01-31", material="y")
    page = client.get(f"/admin/policy/drafts/{draft_id}").get_data(as_text=True)
    assert "You may ask us for a copy" in page
    assert 'value="2030-01-31"' in page and "Clearer rights" in page
    assert re.search(r'name="material"[^>]*checked|checked[^>]*name="material"', page)
    listing = client.get("/admin/policy").get_data(as_text=True)
    assert f"/admin/policy/drafts/{draft_id}" in listing and "Clearer rights" in listing
    assert ("policy.draft_create", "admin@example.com", f"policy draft {draft_id}") in (
        audit_actions(app)
    )


def test_invalid_draft_keeps_what_was_typed(app, client, auth):
    auth.login(admin=True)
    response = client.post(
        "/admin/policy/drafts",
        data={"markdown": "   ", "summary": "x" * 501, "effective": "31/12/2030"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the policy text." in page
    assert "Keep the summary to 500 characters." in page
    assert "Give the date as YYYY-MM-DD" in page
    assert 'value="31/12/2030"' in page
    assert count(app, PolicyDraft) == 0


def test_markdown_over_200_kb_is_refused(app, client, auth):
    auth.login(admin=True)
    response = client.post("/admin/policy/drafts", data=draft_fields(markdown="a" * 205_000))
    assert response.status_code == 400
    assert "over 200 kB" in response.get_data(as_text=True)


def test_save_updates_the_draft(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    response = client.post(
        f"/admin/policy/drafts/{draft_id}",
        data=draft_fields(
            markdown="## Contact\n\nWrite to us.\n", summary="Shorter", action="save"
        ),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/policy/drafts/{draft_id}"
    with app.app_context():
        draft = db.session.get(PolicyDraft, draft_id)
        assert draft.markdown == "## Contact\n\nWrite to us.\n" and draft.summary == "Shorter"
    assert ("policy.draft_save", "admin@example.com", f"policy draft {draft_id}") in (
        audit_actions(app)
    )


def test_preview_is_sanitised_and_shows_the_diff(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    hostile = (
        "## Your Rights\n\nYou may ask us for a copy of your data at any time.\n\n"
        '<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
        "[click](javascript:alert(2))\n\n<iframe src=\"https://evil.example\"></iframe>\n"
    )
    response = client.post(
        f"/admin/policy/drafts/{draft_id}", data=draft_fields(markdown=hostile, action="preview")
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    preview = page.split('id="preview-heading"', 1)[1].split('id="diff-heading"', 1)[0]
    diff = page.split('id="diff-heading"', 1)[1].split("</main>", 1)[0]
    assert '<h2 id="your-rights">Your Rights</h2>' in preview
    assert "<script" not in preview and "onerror" not in preview
    assert "href=\"javascript:" not in preview and "<iframe" not in preview
    assert "<ins>" in diff and "<del>" in diff
    assert "<script" not in diff and "&lt;script&gt;" in diff
    assert "Changes against version 1" in page
    # The preview kept the typed text in the form, and saved it.
    with app.app_context():
        assert db.session.get(PolicyDraft, draft_id).markdown == hostile


def test_publish_makes_a_live_version_and_removes_the_draft(app, client, auth):
    admin_id = auth.login(admin=True)
    draft_id = create_draft(client)
    today = date.today().isoformat()
    response = client.post(
        f"/admin/policy/drafts/{draft_id}",
        data=draft_fields(effective=today, action="publish", confirm="yes"),
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin/policy"
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == 2))
        assert version.summary == "Clearer rights" and version.material is False
        assert version.effective_on.isoformat() == today and version.published_by_id == admin_id
        assert db.session.get(PolicyDraft, draft_id) is None
    assert "Version 2 published" in client.get("/admin/policy").get_data(as_text=True)
    assert "You may ask us for a copy" in client.get("/privacy").get_data(as_text=True)
    assert ("policy.publish", "admin@example.com", "policy version 2") in audit_actions(app)


def test_publish_with_a_future_date_is_upcoming(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    later = (date.today() + timedelta(days=14)).isoformat()
    data = draft_fields(effective=later, action="publish", confirm="yes")
    assert client.post(f"/admin/policy/drafts/{draft_id}", data=data).status_code == 303
    assert "Version 1" in client.get("/privacy").get_data(as_text=True)
    assert "upcoming" in client.get("/admin/policy").get_data(as_text=True)


def test_publish_needs_summary_and_a_date_from_today(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/admin/policy/drafts/{draft_id}",
        data=draft_fields(summary="", effective=yesterday, action="publish"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Summarise the changes to publish." in page
    assert "cannot be in the past" in page and f'value="{yesterday}"' in page
    response = client.post(
        f"/admin/policy/drafts/{draft_id}", data=draft_fields(effective="", action="publish")
    )
    assert "Give the date it takes effect." in response.get_data(as_text=True)
    assert count(app, PolicyVersion) == 1
    assert count(app, PolicyDraft) == 1


def test_discard_deletes_the_draft(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    response = client.post(f"/admin/policy/drafts/{draft_id}",
                           data={"action": "discard", "confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/policy"
    assert count(app, PolicyDraft) == 0
    assert client.get(f"/admin/policy/drafts/{draft_id}").status_code == 404
    assert ("policy.draft_discard", "admin@example.com", f"policy draft {draft_id}") in (
        audit_actions(app)
    )


def test_a_draft_publishes_once(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    data = draft_fields(effective=date.today().isoformat(), action="publish", confirm="yes")
    assert client.post(f"/admin/policy/drafts/{draft_id}", data=data).status_code == 303
    again = client.post(f"/admin/policy/drafts/{draft_id}", data=data)
    assert again.status_code == 404
    assert count(app, PolicyVersion) == 2


def test_unknown_draft_and_action(client, auth):
    auth.login(admin=True)
    assert client.get("/admin/policy/drafts/999").status_code == 404
    assert client.post("/admin/policy/drafts/999", data={"action": "save"}).status_code == 404
    draft_id = create_draft(client)
    response = client.post(f"/admin/policy/drafts/{draft_id}", data=draft_fields(action="edit"))
    assert response.status_code == 400


def test_published_versions_have_no_edit_route(client, auth):
    auth.login(admin=True)
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "/admin/policy/versions" not in page
    assert client.post("/admin/policy/versions/1", data={"markdown": "x"}).status_code == 404


def test_draft_forms_need_the_csrf_token(app, client, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(admin=True)
    assert client.post("/admin/policy/drafts", data=draft_fields()).status_code == 400
    page = client.get("/admin/policy/drafts/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/admin/policy/drafts", data={**draft_fields(), "csrf_token": token})
    assert response.status_code == 303
    assert count(app, PolicyDraft) == 1
