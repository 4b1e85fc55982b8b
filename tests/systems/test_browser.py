"""In Chromium: axe (every impact, light and dark) on the register of systems, the task queue,
a request's page with its tasks and pause form, and the rights form with its agent fields; an
admin uploads a system's export through the real file input."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.fixtures.browser import assert_no_violations, log_in
from website.extensions import db
from website.systems.models import System
from website.systems.service import ensure_seeded

pytestmark = pytest.mark.browser


def test_systems_pages_have_no_axe_violation(scheme_page, live_server, axe_source, users, app,
                                             rights, tmp_path):
    users.create(email="admin@example.com", admin=True)
    with app.app_context():
        ensure_seeded()
        system_id = db.session.scalar(select(System.id).order_by(System.id))
    reference = rights.submit_and_verify()
    log_in(scheme_page, live_server)
    for path in ("/admin/systems", "/admin/systems/site", f"/admin/systems/{system_id}",
                 "/admin/tasks", f"/admin/rights/{reference}"):
        scheme_page.goto(live_server + path)
        assert scheme_page.locator("h1").count() == 1, path
        assert_no_violations(scheme_page, axe_source)
    # The API platform's task, done with its export through the file input.
    export = tmp_path / "platform.csv"
    export.write_text("key_id,created\nk_1,2026-01-02\n")
    scheme_page.get_by_text("Work the task for API platform").click()
    task = scheme_page.locator("details.task", has_text="API platform")
    task.get_by_label("The system's export (JSON or CSV)").set_input_files(str(export))
    task.get_by_role("button", name="Mark done").click()
    assert "Export: platform.csv" in scheme_page.content()
    assert_no_violations(scheme_page, axe_source)


def test_the_rights_form_with_agent_fields_has_no_axe_violation(scheme_page, live_server,
                                                                axe_source):
    scheme_page.goto(f"{live_server}/rights")
    scheme_page.get_by_text("Filing for someone else, as their authorised agent?").click()
    expect(scheme_page.get_by_label("Agent's email address")).to_be_visible()
    assert_no_violations(scheme_page, axe_source)
