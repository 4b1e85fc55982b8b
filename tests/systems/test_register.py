"""The register of systems: admins add and change systems; this site is one, read-only; the
register feeds the record of processing, /privacy/retention and the export; first start seeds
it from content/systems.toml."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.systems.conftest import BILLING, SYSTEM
from website.audit import AuditEntry
from website.extensions import db
from website.rights.personal_data import export_personal_data
from website.systems.models import System
from website.systems.service import ensure_seeded, read_seed, seed_file


def test_adding_a_system_updates_the_record_the_retention_page_and_the_export(
        app, client, systems):
    system_id = systems.add(**BILLING)
    page = client.get(f"/admin/systems/{system_id}").get_data(as_text=True)
    assert 'value="privacy@payco.example"' in page
    record = client.get("/admin/processing.json").get_json()
    row = next(a for a in record["activities"] if a["activity"] == "Billing")
    assert row["categories_of_data"] == ["Invoices and payment history"]
    assert row["recipients"] == ["PayCo Ltd (Ireland)"]
    assert row["retention"] == ["Invoices 6 years (tax law)"]
    assert row["legal_basis"] == ["Legal obligation (Art. 6(1)(c)) and accountability (Art. 5(2))"]
    assert "Billing" in client.get("/admin/processing.csv").get_data(as_text=True)
    retention = client.get("/privacy/retention").get_data(as_text=True)
    assert f'<tr id="system-{system_id}">' in retention
    assert "Invoices 6 years (tax law)" in retention
    with app.test_request_context("/"):
        exported = export_personal_data("grace@example.com", locale="de")["processing"]
    assert exported["Billing"]["recipients"] == ["PayCo Ltd (Ireland)"]
    assert exported["Billing"]["legal_basis"].startswith("Rechtliche Verpflichtung")
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.target == f"system:{system_id}")) == "systems.add"


def test_changing_and_retiring_a_system(app, client, systems):
    system_id = systems.add()
    response = client.post(f"/admin/systems/{system_id}",
                           data={**SYSTEM, "action": "save", "retention": "Logs kept 77 days"})
    assert response.status_code == 303
    assert "Logs kept 77 days" in client.get("/privacy/retention").get_data(as_text=True)
    ask = client.post(f"/admin/systems/{system_id}", data={"action": "retire"})
    assert ask.status_code == 200 and "Take API platform out" in ask.get_data(as_text=True)
    assert client.post(f"/admin/systems/{system_id}",
                       data={"action": "retire", "confirm": "yes"}).status_code == 303
    assert "Logs kept 77 days" not in client.get("/privacy/retention").get_data(as_text=True)
    assert "API platform" not in client.get("/admin/processing.csv").get_data(as_text=True)


def test_bad_input_is_a_clear_message_never_a_500(client, systems):
    systems.add()
    cases = [
        ({"kind": "email", "contact_email": ""}, "needs the processor"),
        ({"kind": "webhook", "endpoint": "http://plain.example/"}, "https://"),
        ({"kind": "manual", "instructions": ""}, "needs written instructions"),
        ({"kind": "fax"}, "Not a valid choice"),
        ({"legal_basis": "whim"}, "Not a valid choice"),
        ({"name": ""}, "Give the system a name"),
        ({"name": "api PLATFORM"}, "already has this name"),
        ({"contact_email": "not-an-address"}, ""),
    ]
    for fields, message in cases:
        response = client.post("/admin/systems", data={**SYSTEM, "name": "Other", **fields})
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields


def test_this_site_is_one_read_only_system(app, client, auth):
    auth.login(admin=True)
    listing = client.get("/admin/systems").get_data(as_text=True)
    assert "This site (privacy centre)" in listing
    # The page's own names never hide the footer's contact details (axe found empty links).
    assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in listing
    page = client.get("/admin/systems/site")
    assert page.status_code == 200
    assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    assert "Support requests and our replies, once closed" in text
    assert ">Save<" not in text and 'name="name"' not in text  # nothing to edit
    assert client.post("/admin/systems/site").status_code == 405


def test_the_register_is_for_admins_only(client, auth):
    for path in ("/admin/systems", "/admin/systems/site"):
        assert client.get(path).status_code == 302
    auth.login()
    for path in ("/admin/systems", "/admin/systems/site"):
        assert client.get(path).status_code == 403
    assert client.post("/admin/systems", data=SYSTEM).status_code == 403


def test_first_start_seeds_the_register_once(app):
    with app.app_context():
        listed = read_seed(seed_file())
        assert ensure_seeded() == len(listed) >= 3
        assert ensure_seeded() == 0
        names = set(db.session.scalars(select(System.name)))
        assert {"API platform", "Billing and payments", "Email delivery"} <= names
        assert db.session.scalar(select(func.count()).select_from(System)) == len(listed)
