"""What every template may use: the one date format for people, and who runs the site."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)


def human_date(value: date | datetime | None, time: bool = False) -> str:
    """'11 August 2025' (with time=True: '11 August 2025, 14:05 UTC'); '—' for nothing."""
    if value is None:
        return "—"
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if time and isinstance(value, datetime):
        text += f", {value:%H:%M} UTC"
    return text


def site_context() -> dict[str, Any]:
    """The company's name and contact details, from configuration."""
    config = current_app.config
    dial = "".join(c for c in config["CONTACT_PHONE"] if c in "+0123456789")
    return {
        "site": {
            "company": config["COMPANY_NAME"],
            "email": config["CONTACT_EMAIL"],
            "phone": config["CONTACT_PHONE"],
            "phone_link": f"tel:{dial}",
        }
    }


def register_templating(app: Flask) -> None:
    """Install the date filter (`{{ value|date }}`) and the site's details."""
    app.add_template_filter(human_date, "date")
    app.context_processor(site_context)
