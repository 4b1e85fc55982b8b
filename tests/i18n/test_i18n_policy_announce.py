"""A material revision is announced in each user's language (users.locale)."""

from __future__ import annotations

from datetime import date
from email.header import decode_header, make_header
from email.message import Message

from babel.dates import format_date
from sqlalchemy import select

from tests.fixtures.mail import body_text
from website.extensions import db
from website.mail.models import OutboxEmail
from website.mail.service import send_pending
from website.policy import announce
from website.policy.service import publish_version, today
from website.policy.translations import attach_translation

V2 = "## Your Rights\n\nYou may now also object to profiling.\n"
SUMMARY = "You may object to profiling."


def subject(message: Message) -> str:
    """The Subject header as the reader sees it (non-ASCII words arrive encoded)."""
    return str(make_header(decode_header(message["Subject"])))


def publish_material(app) -> None:
    with app.app_context():
        publish_version(V2, today(), SUMMARY, material=True)


def test_a_german_user_gets_the_announcement_in_german(app, users, smtp):
    users.create(email="ada@example.com", locale="de")
    users.create(email="marie@example.com", name="Marie Curie", locale="fr")
    users.create(email="grace@example.com", name="Grace Hopper", locale="en")
    publish_material(app)
    with app.app_context():
        assert send_pending() == (3, 0)
    [german] = smtp.to("ada@example.com")
    when = format_date(date.today(), "long", locale="de")
    assert subject(german) == f"Unsere Datenschutzerklärung hat sich am {when} geändert"
    text = body_text(german).replace("\r\n", "\n")
    assert text.startswith("Guten Tag,")
    assert f"Version 2 ist am {when} in Kraft getreten." in text
    # No German summary yet: the English one, said to be English.
    assert f"Was sich geändert hat, in Kürze (auf Englisch):\n{SUMMARY}" in text
    assert "http://localhost/de/privacy/diff?from=1&to=2" in text
    assert "http://localhost/de/privacy/versions/2" in text
    assert "http://localhost/de/cookies" in text
    html = german.get_payload()[1].get_payload(decode=True).decode()
    assert '<html lang="de">' in html and f'<span lang="en">{SUMMARY}</span>' in html
    [french] = smtp.to("marie@example.com")
    assert subject(french).startswith("Notre politique de confidentialité a changé le")
    assert "Bonjour," in body_text(french)
    assert "Des questions sur vos données\u00a0?" in body_text(french)
    [english] = smtp.to("grace@example.com")
    assert subject(english) == f"Our privacy policy changed on {date.today():%-d %B %Y}"
    assert "http://localhost/privacy/diff?from=1&to=2" in body_text(english)
    assert f"What changed, in short:\r\n{SUMMARY}" in body_text(english)


def test_later_batches_use_the_translation_attached_meanwhile(app, users, monkeypatch):
    monkeypatch.setattr(announce, "ANNOUNCEMENT_BATCH", 1)
    users.create(email="ada@example.com", locale="de")  # user 1: the first batch
    users.create(email="lise@example.com", name="Lise Meitner", locale="de")
    publish_material(app)
    with app.app_context():
        attach_translation(2, "de", "## Ihre Rechte\n\nWiderspruch.\n",
                           "Widerspruch gegen Profiling")
        announce.continue_announcements()
        bodies = {e.to_address: e.body_text for e in db.session.scalars(select(OutboxEmail))}
    assert "(auf Englisch)" in bodies["ada@example.com"]
    assert "Was sich geändert hat, in Kürze:\nWiderspruch gegen Profiling" in (
        bodies["lise@example.com"])
