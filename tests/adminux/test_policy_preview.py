"""The policy draft page (issue 27, item 6): a lasting preview with the changed-sections diff and
previous/next links, a date hint that matches the date control, the publish confirmation's
warning about untranslated readers, and an "Effective date" line that contradicts the version."""

from __future__ import annotations

import re

from tests.admin.test_policy_admin import create_draft, draft_fields
from website.policy.service import today

TWO_CHANGES = ("## Your Rights\n\nYou may ask us for a copy of your data at any time.\n\n"
               "## Contact\n\nWrite to privacy@example.com at any hour.\n")


def test_the_draft_page_keeps_its_preview_and_numbered_changes(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client, markdown=TWO_CHANGES)
    page = client.get(f"/admin/policy/drafts/{draft_id}").get_data(as_text=True)  # a reload
    assert 'id="preview-heading"' in page and "You may ask us for a copy" in page
    assert "Changes against version 1" in page
    assert re.search(r'<p class="diff-change" id="change-1"><strong>Change 1 of \d+</strong>', page)
    assert 'href="#change-2" rel="next"' in page and 'href="#change-1" rel="prev"' in page
    assert 'id="changes"' in page  # "All changes" leads somewhere


def test_the_date_hint_matches_the_date_control(app, client, auth):
    auth.login(admin=True)
    page = client.get("/admin/policy/drafts/new").get_data(as_text=True)
    control = re.search(r'<input[^>]*id="draft-effective"[^>]*>', page).group(0)
    assert 'type="date"' in control
    hint = re.search(r'id="draft-effective-hint">([^<]*)<', page).group(1)
    assert "YYYY-MM-DD" not in hint and "Choose the day" in hint


def test_publishing_warns_that_german_and_french_readers_see_english(app, client, auth):
    auth.login(admin=True)
    draft_id = create_draft(client)
    page = client.post(f"/admin/policy/drafts/{draft_id}", data=draft_fields(
        effective=today().isoformat(), action="publish")).get_data(as_text=True)
    assert "German and French readers will see this version in English" in page


def test_a_contradicting_effective_date_line_is_flagged(app, client, auth):
    auth.login(admin=True)
    text = "**Effective date:** 1 January 2020\n\n" + TWO_CHANGES
    draft_id = create_draft(client, markdown=text, effective=today().isoformat())
    page = client.get(f"/admin/policy/drafts/{draft_id}").get_data(as_text=True)
    assert "Check the date:" in page and "Effective date: 1 January 2020" in page
    confirm = client.post(f"/admin/policy/drafts/{draft_id}", data=draft_fields(
        markdown=text, effective=today().isoformat(), action="publish")).get_data(as_text=True)
    assert "Effective date: 1 January 2020" in confirm
    agreeing = f"**Effective date:** {today().isoformat()}\n\n" + TWO_CHANGES
    fine = create_draft(client, markdown=agreeing, effective=today().isoformat())
    assert "Check the date:" not in client.get(
        f"/admin/policy/drafts/{fine}").get_data(as_text=True)


