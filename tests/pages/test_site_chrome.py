"""Header and footer: who runs the site and how to reach them; one notice area, none in /admin."""

from __future__ import annotations

from tests.fixtures.app import make_app
from website.extensions import db
from website.policy.service import publish_version, today


def test_company_and_contacts_come_from_configuration(migrated):
    app = make_app(migrated, COMPANY_NAME="Acme API Ltd", CONTACT_EMAIL="privacy@acme.test",
                   CONTACT_PHONE="+44 20 7946 0000")
    try:
        page = app.test_client().get("/").get_data(as_text=True)
        header = page[page.index('<header class="site-header">'):page.index("</header>")]
        footer = page[page.index('<footer class="site-footer">'):]
        assert "Acme API Ltd" in header and "Acme API Ltd" in footer
        assert "<title>Home · Acme API Ltd Privacy Centre</title>" in page
        assert 'href="mailto:privacy@acme.test"' in footer
        assert 'href="tel:+442079460000">+44 20 7946 0000</a>' in footer
    finally:
        with app.app_context():
            db.engine.dispose()


def test_contacts_default_to_the_policys(client):
    footer = client.get("/").get_data(as_text=True).split('<footer class="site-footer">')[1]
    assert 'href="mailto:spectraalw@gmail.com"' in footer and "9414857385" in footer


def test_no_policy_notice_in_the_admin_area(app, client, auth):
    with app.app_context():
        publish_version("## Your Rights\n\nAsk us.\n", today(), "Rights", material=True)
    auth.login(admin=True)
    notice = 'aria-label="Privacy policy change"'
    assert notice in client.get("/privacy").get_data(as_text=True)
    assert notice not in client.get("/admin/").get_data(as_text=True)
