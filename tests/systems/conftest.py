"""Helpers for the register-of-systems tests: a system's form, added through the admin page."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.rights.conftest import rights  # noqa: F401 - the public flow fixture
from website.extensions import db
from website.systems.models import System

SYSTEM = {
    "name": "API platform",
    "data": "API keys metadata and request logs with IP addresses",
    "purpose": "Provide the API",
    "legal_basis": "contract",
    "retention": "Request logs 2 years",
    "processor": "",
    "location": "UK",
    "kind": "manual",
    "endpoint": "",
    "contact_email": "",
    "instructions": "Platform team: export the logs as CSV.",
}
BILLING = {
    **SYSTEM, "name": "Billing", "data": "Invoices and payment history",
    "purpose": "Take payment", "legal_basis": "legal_obligation",
    "retention": "Invoices 6 years (tax law)", "processor": "PayCo Ltd", "location": "Ireland",
    "kind": "email", "contact_email": "privacy@payco.example", "instructions": "",
}


class Systems:
    """Adds systems through the admin page, as an admin does."""

    def __init__(self, app: Flask, client, auth) -> None:
        self.app, self.client, self.auth = app, client, auth
        self.admin_id: int | None = None

    def add(self, **fields: str) -> int:
        """POST the form; the new system's id."""
        if self.admin_id is None:
            self.admin_id = self.auth.login(admin=True)
        response = self.client.post("/admin/systems", data={**SYSTEM, **fields})
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.app.app_context():
            return db.session.scalar(select(System.id).where(System.name == fields.get(
                "name", SYSTEM["name"])))


@pytest.fixture
def systems(app: Flask, client, auth) -> Systems:
    """Add systems to the register through the admin page."""
    return Systems(app, client, auth)
