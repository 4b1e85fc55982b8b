"""/privacy/retention: the retention schedule, generated from the rules the purge runs."""

from __future__ import annotations

from flask import render_template

from website.records import bp
from website.records.service import retention_schedule


@bp.get("/privacy/retention")
def retention() -> str:
    """Each kind of data the site keeps, its period, legal basis and what happens at the end."""
    return render_template("records/retention.html", schedule=retention_schedule())
