"""The access export holds every system's part, each with its Art. 15 facts from the register,
in the requester's language, through the expiring link requesters already get; a system's
uploaded export is deleted by its own retention rule and never served otherwise."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from tests.rights.conftest import downloaded_export
from tests.systems.test_tasks import verified_with_systems
from website.extensions import db, utcnow
from website.systems.models import TaskUpload

CSV = b"key_id,created,last_ip\nk_1,2026-01-02,203.0.113.9\nk_2,2026-02-03,203.0.113.10\n"


def completed_access_request(app, client, systems, rights) -> str:
    """An access request whose platform sent a CSV and whose billing task was waived."""
    reference, tasks = verified_with_systems(systems, rights)
    rights.age(reference, locale="fr")
    base = f"/admin/rights/{reference}/tasks"
    assert client.post(f"{base}/{tasks['API platform']}/done",
                       data={"note": "", "export": (io.BytesIO(CSV), "platform.csv")},
                       content_type="multipart/form-data").status_code == 303
    assert client.post(f"{base}/{tasks['Billing']}/waive",
                       data={"reason": "No billing account."}).status_code == 303
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Your account and billing."}).status_code == 303
    return reference


def test_the_export_holds_every_systems_part_with_its_art_15_facts(
        app, client, systems, rights, smtp):
    reference = completed_access_request(app, client, systems, rights)
    data = downloaded_export(app, smtp, reference, "/fr")
    parts = {part["system"]: part for part in data["systems"]}
    platform = parts["API platform"]
    assert platform["data"] == [
        {"key_id": "k_1", "created": "2026-01-02", "last_ip": "203.0.113.9"},
        {"key_id": "k_2", "created": "2026-02-03", "last_ip": "203.0.113.10"}]
    assert platform["data_held"] == ["API keys metadata and request logs with IP addresses"]
    assert platform["retention"] == "Request logs 2 years"
    assert platform["legal_basis"].startswith("Contrat")  # the requester's language (fr)
    billing = parts["Billing"]
    assert billing["state"] == "waived" and billing["answer"] == "No billing account."
    assert billing["data"] is None and billing["recipients"] == ["PayCo Ltd (Ireland)"]
    assert "systems" in data["keys"] and data["keys"]["systems"].startswith("Nos autres")
    # The processing section names the systems too (the same register).
    assert data["processing"]["Billing"]["retention"] == "Invoices 6 years (tax law)"


def test_uploaded_exports_go_by_their_own_rule_after_the_request_closes(
        app, client, systems, rights, runner, smtp):
    reference = completed_access_request(app, client, systems, rights)

    def uploads() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(TaskUpload))

    assert "system_exports: deleted 0" in runner.invoke(args=["retention", "purge"]).output
    assert uploads() == 1
    days = app.config["RETENTION_DAYS"]["system_exports"]
    rights.age(reference, closed_at=utcnow() - timedelta(days=days + 1))
    assert "system_exports: deleted 1" in runner.invoke(args=["retention", "purge"]).output
    assert uploads() == 0
    row = client.get("/privacy/retention").get_data(as_text=True).split(
        '<tr id="system_exports">')[1].split("</tr>")[0]
    assert f"{days} days from closing" in row

