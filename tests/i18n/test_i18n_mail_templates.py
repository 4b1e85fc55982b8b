"""Every email of this branch (all but the policy announcement) has no English sentence left
when it is rendered in German or French: each line the English email shows is translated."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from flask import render_template

from website.i18n import language

REQUEST = SimpleNamespace(reference="RR-AB2345", name="Grace Hopper", status="verified")
SUPPORT = SimpleNamespace(reference="SR-AB2345", name="Grace Hopper", subject="Facture")
CONTEXT = {
    "subject": "S", "confirm_url": "http://links.test/c",
    "reset_url": "http://links.test/r", "register_url": "http://links.test/g",
    "forgot_url": "http://links.test/f", "verify_url": "http://links.test/v",
    "status_url": "http://links.test/s", "hours": 48, "minutes": 60, "valid_days": 30,
    "old_email": "a@b.de", "new_email": "c@d.de", "rights_request": REQUEST,
    "type_label": "T", "status_label": "L", "due": date(2025, 8, 11),
    "old_due": date(2025, 7, 11), "reason": "R-R", "outcome": "O-O", "support_request": SUPPORT,
    "reply": SimpleNamespace(body="B-B"), "category_label": "C", "urgent": True,
}
TEMPLATES = (
    "address_taken", "email_change_requested", "email_changed", "email_confirm",
    "password_changed", "password_reset", "password_reset_unknown", "rights_extended",
    "rights_lifting", "rights_rejected", "rights_status_link", "rights_update",
    "rights_verified", "rights_verify", "support_confirmation", "support_reply", "welcome",
)
WORDS = re.compile(r"[A-Za-z]{3,}")
URL = re.compile(r"https?://\S+")


def sentences(rendered: str) -> set[str]:
    """The lines (or HTML text runs) a reader reads as words, links and tags left out."""
    text = URL.sub("", re.sub(r"<style>.*?</style>", "", rendered, flags=re.S))
    runs = re.split(r"<[^>]+>|\n", text)
    return {run.strip() for run in runs if WORDS.search(run)}


@pytest.mark.parametrize("code", ["de", "fr"])
@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_no_english_sentence_is_left(app, name, code, kind):
    with app.test_request_context():
        english = render_template(f"mail/{name}.{kind}", **CONTEXT)
        with language(code):
            translated = render_template(f"mail/{name}.{kind}", **CONTEXT)
    left = {line for line in sentences(english) if line in translated}
    left -= {"Re: Facture"}  # the subject the requester typed, behind the usual "Re:"
    assert not left, left
    # Every link to the site's own pages carries the language.
    assert "http://localhost/" not in translated.replace(f"http://localhost/{code}/", "")
