"""Attaching a translation to a published version: from the admin (asks first), from the CLI,
once per language, immutable, audited; the shipped translations of version 1 on first start."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from website.audit import AuditEntry
from website.extensions import db
from website.policy.models import ImmutableVersionError, PolicyTranslation, PolicyVersion
from website.policy.service import ensure_first_version, publish_version, today
from website.policy.translations import TranslationError, attach_translation

V2 = "## Your Rights\n\nYou may now also object to profiling.\n"
V2_DE = "## Ihre Rechte\n\nSie können nun auch dem Profiling widersprechen.\n"
V2_FR = "## Vos droits\n\nVous pouvez désormais aussi vous opposer au profilage.\n"


def publish_v2(app) -> None:
    with app.app_context():
        publish_version(V2, today(), "Profiling")


def translation(app, number: int, locale: str) -> PolicyTranslation | None:
    with app.app_context():
        return db.session.scalar(
            select(PolicyTranslation).join(PolicyVersion)
            .where(PolicyVersion.number == number, PolicyTranslation.locale == locale)
        )


def audit_actions(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.action, e.target, e.actor) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "policy.translate")
            .order_by(AuditEntry.id)
        )]


def test_first_start_attaches_the_shipped_translations_of_version_1(app):
    with app.app_context():
        db.session.execute(PolicyTranslation.__table__.delete())
        db.session.execute(PolicyVersion.__table__.delete())
        db.session.commit()
        assert ensure_first_version().number == 1
    german, french = translation(app, 1, "de"), translation(app, 1, "fr")
    assert german.markdown.startswith("Übersetzung — es gilt die englische Fassung")
    assert german.summary == "Erste veröffentlichte Version."
    assert 'id="ihre-rechte"' in german.html
    assert french.markdown.startswith("Traduction — la version anglaise")
    assert 'id="vos-droits"' in french.html
    # Same structure as the English: one heading of each language per section.
    with app.app_context():
        english = db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == 1))
        assert len(german.toc) == len(french.toc) == len(english.toc) == 11


def test_admin_attaches_a_translation_after_the_confirm_page(app, client, auth):
    publish_v2(app)
    auth.login(admin=True)
    listing = client.get("/admin/policy").get_data(as_text=True)
    assert 'href="/admin/policy/translations/2/de"' in listing
    assert 'href="/admin/policy/translations/1/de"' not in listing  # shipped: published
    assert '<a href="/de/privacy/versions/1">published</a>' in listing
    form = client.get("/admin/policy/translations/2/de").get_data(as_text=True)
    assert "Deutsch translation of version 2" in form
    url = "/admin/policy/translations/2/de"
    fields = {"markdown": V2_DE + "<script>alert(1)</script>", "summary": "Profiling-Widerspruch"}
    preview = client.post(url, data={**fields, "action": "preview"}).get_data(as_text=True)
    assert '<h2 id="ihre-rechte">Ihre Rechte</h2>' in preview
    assert "<script>alert(1)" not in preview
    asked = client.post(url, data={**fields, "action": "publish"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Publish the Deutsch translation of version 2?" in page
    assert 'name="confirm" value="yes"' in page
    assert translation(app, 2, "de") is None  # nothing happened yet
    done = client.post(url, data={**fields, "action": "publish", "confirm": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/policy")
    attached = translation(app, 2, "de")
    assert attached.summary == "Profiling-Widerspruch"
    assert "<script" not in attached.html and "alert(1)" not in attached.html
    assert audit_actions(app)[-1] == ("policy.translate", "policy version 2", "admin@example.com")
    public = client.get("/de/privacy").get_data(as_text=True)
    assert "Sie können nun auch dem Profiling widersprechen." in public
    # A second one for the same language is refused with the reason; the first stays.
    again = client.post(url, data={"markdown": "## Anders", "action": "publish", "confirm": "yes"})
    assert again.status_code == 400
    assert "already has a Deutsch translation" in again.get_data(as_text=True)
    assert translation(app, 2, "de").markdown == attached.markdown


def test_admin_translation_pages_refuse_unknown_languages_and_versions(app, client, auth):
    publish_v2(app)
    auth.login(admin=True)
    assert client.get("/admin/policy/translations/1/es").status_code == 404
    assert client.get("/admin/policy/translations/9/de").status_code == 404
    empty = client.post("/admin/policy/translations/2/fr",
                        data={"markdown": " ", "action": "preview"})
    assert empty.status_code == 400 and "Write the translated text." in empty.get_data(as_text=True)


def test_cli_attaches_a_translation(app, runner, tmp_path):
    publish_v2(app)
    path = tmp_path / "v2.fr.md"
    path.write_text(V2_FR, encoding="utf-8")
    result = runner.invoke(args=["policy", "import", str(path), "--lang", "fr", "--version", "2",
                                 "--summary", "Opposition au profilage"])
    assert result.exit_code == 0, result.output
    assert "Attached the fr translation of version 2." in result.output
    assert translation(app, 2, "fr").summary == "Opposition au profilage"
    assert audit_actions(app)[-1] == ("policy.translate", "policy version 2", "cli")
    with app.app_context():  # no new version
        assert db.session.scalar(select(PolicyVersion.number).order_by(
            PolicyVersion.number.desc()).limit(1)) == 2


def test_cli_refuses_what_it_cannot_attach(app, runner, tmp_path):
    path = tmp_path / "t.md"
    path.write_text(V2_DE, encoding="utf-8")
    twice = runner.invoke(args=["policy", "import", str(path), "--lang", "de", "--version", "1"])
    assert twice.exit_code == 1 and "already has a Deutsch translation" in twice.output
    unknown = runner.invoke(args=["policy", "import", str(path), "--lang", "de", "--version", "7"])
    assert unknown.exit_code == 1 and "no published version 7" in unknown.output
    spanish = runner.invoke(args=["policy", "import", str(path), "--lang", "es", "--version", "1"])
    assert spanish.exit_code == 2 and "'es' is not one of 'de', 'fr'" in spanish.output
    alone = runner.invoke(args=["policy", "import", str(path), "--lang", "de"])
    assert alone.exit_code == 2 and "both --lang and --version" in alone.output


def test_without_lang_the_import_publishes_a_version_as_before(app, runner, tmp_path):
    path = tmp_path / "v2.md"
    path.write_text(V2, encoding="utf-8")
    result = runner.invoke(args=["policy", "import", str(path)])
    assert result.exit_code == 0 and "Published version 2" in result.output


def test_a_published_translation_is_immutable(app):
    with app.app_context():
        german = db.session.scalar(
            select(PolicyTranslation).where(PolicyTranslation.locale == "de")
        )
        german.markdown = "## Geändert"
        with pytest.raises(ImmutableVersionError, match="de translation"):
            db.session.commit()
        db.session.rollback()
        german = db.session.scalar(
            select(PolicyTranslation).where(PolicyTranslation.locale == "de")
        )
        db.session.delete(german)
        with pytest.raises(ImmutableVersionError):
            db.session.commit()
        db.session.rollback()
    assert translation(app, 1, "de").markdown.startswith("Übersetzung")


def test_the_service_refuses_with_clear_messages(app):
    with app.app_context():
        with pytest.raises(TranslationError, match="Unknown language 'en'"):
            attach_translation(1, "en", "## Text")
        with pytest.raises(TranslationError, match="no published version 5"):
            attach_translation(5, "de", "## Text")
        with pytest.raises(TranslationError, match="empty"):
            attach_translation(1, "de", "  \n")
        with pytest.raises(TranslationError, match="already has a Français translation"):
            attach_translation(1, "fr", "## Texte")
