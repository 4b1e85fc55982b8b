"""The policy in German and French: the translation of the version in force, marked as one with
a link to the English; the English with a notice where no translation is attached yet."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import select

from tests.fixtures.app import make_app
from website.extensions import db
from website.policy.models import PolicyTranslation, PolicyVersion
from website.policy.render import render_policy
from website.policy.service import publish_version, today
from website.policy.translations import attach_translation

V2 = "## Your Rights\n\nYou may now also object to profiling.\n\n## Contact\n\nWrite to us.\n"
V2_DE = ("## Ihre Rechte\n\nSie können nun auch dem Profiling widersprechen.\n\n"
         "## Kontakt\n\nSchreiben Sie uns.\n")


def publish_v2(app, german: bool = False, material: bool = False) -> None:
    """Version 2 in force today (version 1 has the shipped translations)."""
    with app.app_context():
        publish_version(V2, today(), "Profiling", material)
        if german:
            attach_translation(2, "de", V2_DE, "Widerspruch gegen Profiling")


def test_german_policy_is_the_translation_marked_with_a_link_to_the_english(client):
    response = client.get("/de/privacy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert "Übersetzung — es gilt die englische Fassung." in page
    assert '<a href="/privacy" hreflang="en">Englische Fassung lesen</a>' in page
    assert '<h2 id="ihre-rechte">Ihre Rechte' in page
    assert 'href="#ihre-rechte">Ihre Rechte</a>' in page  # the table of contents
    assert "Wir verkaufen keine personenbezogenen Daten." in page
    assert "We do not sell personal data." not in page
    assert "Version 1 · gültig ab 11. August 2025" in page
    assert ('<link rel="alternate" type="text/markdown" href="/de/privacy/versions/1.md"'
            in page)
    # The typed date and translation line are shown once, by the page, not again in the text.
    assert "Gültig ab: 11. August 2025" not in page
    assert page.count("es gilt die englische Fassung") == 1


def test_french_policy_is_the_translation(client):
    page = client.get("/fr/privacy").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Traduction — la version anglaise prévaut." in page
    assert '<a href="/privacy" hreflang="en">Lire la version anglaise</a>' in page
    assert '<h2 id="vos-droits">Vos droits' in page
    assert "Nous ne vendons pas de données personnelles." in page
    assert "Version 1 · en vigueur le 11 août 2025" in page


def test_english_policy_is_unchanged(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "We do not sell personal data." in page
    assert "Übersetzung" not in page and "Translation —" not in page
    assert "Effective date:" not in page


def test_untranslated_version_shows_the_english_with_a_german_notice(app, client):
    publish_v2(app)
    page = client.get("/de/privacy").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Diese Version ist noch nicht übersetzt" in page
    assert "You may now also object to profiling." in page
    assert '<div class="policy-body" lang="en">' in page
    assert ': <span lang="en">Profiling</span>' in page  # the English summary, said so
    assert "Übersetzung — es gilt" not in page
    french = client.get("/fr/privacy").get_data(as_text=True)
    assert "Cette version n’est pas encore traduite" in french
    # Version 1 still reads in German at its own address.
    old = client.get("/de/privacy/versions/1").get_data(as_text=True)
    assert "Dies ist nicht die aktuelle Version." in old
    assert "Wir verkaufen keine personenbezogenen Daten." in old
    assert '<a href="/privacy/versions/1" hreflang="en">Englische Fassung lesen</a>' in old


def test_a_translation_attached_later_replaces_the_notice(app, client):
    publish_v2(app)
    assert "noch nicht übersetzt" in client.get("/de/privacy").get_data(as_text=True)
    with app.app_context():
        attach_translation(2, "de", V2_DE, "Widerspruch gegen Profiling")
    page = client.get("/de/privacy").get_data(as_text=True)
    assert "noch nicht übersetzt" not in page
    assert "Sie können nun auch dem Profiling widersprechen." in page
    assert "Zuletzt aktualisiert am" in page and "Widerspruch gegen Profiling" in page


def test_markdown_per_language_says_which_text_it_is(app, client):
    german = client.get("/de/privacy/versions/1.md")
    assert german.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert german.headers["Content-Language"] == "de"
    assert german.get_data(as_text=True).startswith("Übersetzung — es gilt die englische Fassung")
    assert "## Ihre Rechte" in german.get_data(as_text=True)
    french = client.get("/fr/privacy/versions/1.md")
    assert french.headers["Content-Language"] == "fr"
    assert "## Vos droits" in french.get_data(as_text=True)
    english = client.get("/privacy/versions/1.md")
    assert english.headers["Content-Language"] == "en"
    assert "## Your Rights" in english.get_data(as_text=True)
    publish_v2(app)
    fallback = client.get("/de/privacy/versions/2.md")
    assert fallback.headers["Content-Language"] == "en"
    assert fallback.get_data(as_text=True) == V2
    assert client.get("/de/privacy/versions/9.md").status_code == 404


def test_conditional_requests_per_language(client):
    german = client.get("/de/privacy")
    english = client.get("/privacy")
    assert german.headers["ETag"] != english.headers["ETag"]
    assert german.headers["Last-Modified"]
    again = client.get("/de/privacy", headers={"If-None-Match": german.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/fr/privacy", headers={"If-None-Match": german.headers["ETag"]})
    assert other.status_code == 200


def test_versions_list_shows_translated_summaries(app, client):
    publish_v2(app)
    page = client.get("/de/privacy/versions").get_data(as_text=True)
    assert "Versionen der Datenschutzerklärung" in page
    assert "Erste veröffentlichte Version." in page  # the shipped translation's summary
    assert re.search(r'<td [^>]*lang="en">Profiling</td>', page)  # version 2: no translation
    assert 'href="/de/privacy/versions/2"' in page
    assert "Première version publiée." in client.get("/fr/privacy/versions").get_data(as_text=True)


def test_diff_between_two_german_texts(app, client):
    publish_v2(app, german=True)
    page = client.get("/de/privacy/diff?from=1&to=2").get_data(as_text=True)
    assert "Was sich von Version 1 zu Version 2 geändert hat" in page
    assert "Übersetzung — es gilt die englische Fassung." in page
    assert "<ins>" in page and "Profiling" in page
    assert "<del>" in page and "Wir verkaufen keine personenbezogenen Daten." in page
    assert "You may now also object" not in page
    assert "Zusammenfassung:</strong> Widerspruch gegen Profiling" in page


def test_diff_falls_back_to_the_english_with_a_notice(app, client):
    publish_v2(app, german=True)  # no French translation of version 2
    page = client.get("/fr/privacy/diff?from=1&to=2").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "vous comparez les textes anglais" in page
    assert "You may now also object to profiling." in page
    assert '<div class="policy-body diff" lang="en">' in page
    assert client.get("/fr/privacy/diff?from=1&to=x").status_code == 400
    assert client.get("/fr/privacy/diff?from=1&to=7").status_code == 404


def test_the_material_change_notice_in_german(app, client):
    publish_v2(app, material=True)
    client.set_cookie("consent", "abc")  # a returning visitor
    page = client.get("/de/").get_data(as_text=True)
    assert f"Unsere Datenschutzerklärung hat sich am {today().day}." in page
    assert 'href="/de/privacy/diff?from=1&amp;to=2"' in page
    assert "Schließen" in page


def test_upcoming_version_marked_in_french(app, client):
    with app.app_context():
        publish_version(V2, today() + timedelta(days=10), "Later")
    page = client.get("/fr/privacy/versions/2").get_data(as_text=True)
    assert "Cette version est à venir" in page


def test_another_workers_translation_reaches_the_stored_pages(app, migrated):
    """A translation attached by another worker (no forget here) shows once the published state
    is checked again, POLICY_CACHE_SECONDS later: the state counts translations too."""
    publish_v2(app)
    worker = make_app(migrated, POLICY_CACHE_SECONDS=1)
    client = worker.test_client()
    assert "noch nicht übersetzt" in client.get("/de/privacy").text  # stored
    with app.app_context():
        version_id = db.session.scalar(select(PolicyVersion.id).where(PolicyVersion.number == 2))
        rendered = render_policy(V2_DE)
        db.session.add(PolicyTranslation(version_id=version_id, locale="de", markdown=V2_DE,
                                         html=rendered.html, toc=rendered.toc))
        db.session.commit()
    assert "noch nicht übersetzt" in client.get("/de/privacy").text  # still remembered
    time.sleep(1.1)
    assert "Sie können nun auch dem Profiling widersprechen." in client.get("/de/privacy").text
    with worker.app_context():
        db.engine.dispose()
