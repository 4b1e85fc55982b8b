"""Shared steps of the breach-register tests: record an incident, read it back."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from website.extensions import db, utcnow
from website.incidents.models import Incident, IncidentNotice

RECORD = {
    "summary": "An API log with customers' email addresses was readable from the internet.",
    "categories": "API customers; email addresses and API key prefixes.",
    "people_count": "about 1,200",
    "records_count": "4800",
    "consequences": "Phishing emails that look like ours.",
    "measures": "The log was taken down and the keys rotated.",
    "contact": "Data protection officer, dpo@example.com",
}


def when(hours_ago: float) -> str:
    """A time of awareness `hours_ago` hours back, as the form takes it."""
    return (utcnow() - timedelta(hours=hours_ago)).strftime("%Y-%m-%d %H:%M")


def record_incident(client: FlaskClient, hours_ago: float = 1, **fields: str) -> str:
    """Record a breach through the admin form; its reference."""
    response = client.post("/admin/incidents", data={**RECORD, "aware_at": when(hours_ago),
                                                     **fields})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def incident_row(app: Flask, reference: str) -> Incident:
    """The incident as stored."""
    with app.app_context():
        return db.session.scalars(select(Incident).where(Incident.reference == reference)).one()


def notices_of(app: Flask, reference: str) -> list[IncidentNotice]:
    """The incident's notices as stored."""
    with app.app_context():
        incident = db.session.scalars(
            select(Incident).where(Incident.reference == reference)).one()
        return list(incident.notices)


def age(app: Flask, reference: str, hours: float) -> None:
    """Move the time of awareness `hours` back from now."""
    with app.app_context():
        incident = db.session.scalars(
            select(Incident).where(Incident.reference == reference)).one()
        incident.aware_at = utcnow() - timedelta(hours=hours)
        db.session.commit()


def parse(text: str) -> datetime:
    """A YYYY-MM-DD HH:MM time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M")
