"""Admin: CSV exports for a regulator (the audit log, consent records by date range, the
register of rights requests). Administrators only, after a recent authentication; each
download is itself written to the audit log."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.accounts.sessions import recent_auth_required
from website.admin import bp
from website.admin.forms import parse_iso_date
from website.audit import record_audit
from website.audit.export import AUDIT_EXPORT_COLUMNS, audit_rows
from website.consent.proof import CONSENT_EXPORT_COLUMNS, records_between
from website.exports import csv_download
from website.extensions import db, utcnow
from website.rights.queue import REGISTER_COLUMNS, register_rows


def audit_export(kind: str, details: dict[str, str] | None = None) -> None:
    """Write the download itself to the audit log, committed before the file streams."""
    record_audit(f"export.{kind}", target=kind, details=details or {},
                 actor_id=current_user.id, actor=current_user.email)
    db.session.commit()


def stamped(name: str) -> str:
    """A file name with today's date."""
    return f"{name}-{utcnow().date().isoformat()}.csv"


@bp.get("/exports")
@role_required(Role.ADMINISTRATOR)
def exports() -> str:
    """The three exports, with the date range for the consent records."""
    return render_template("admin/exports.html", today=utcnow().date().isoformat())


@bp.get("/exports/audit.csv")
@role_required(Role.ADMINISTRATOR)
@recent_auth_required
def export_audit_csv() -> ResponseReturnValue:
    """Every audit entry with its hashes."""
    audit_export("audit_log")
    return csv_download(stamped("audit-log"), AUDIT_EXPORT_COLUMNS, audit_rows())


def day_arg(name: str) -> date | None:
    """A YYYY-MM-DD query value, None when empty; 400 with a clear message otherwise."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    day = parse_iso_date(text)
    if day is None:
        abort(400, f"The date '{name}' must be a real date written YYYY-MM-DD.")
    return day


@bp.get("/exports/consents.csv")
@role_required(Role.ADMINISTRATOR)
@recent_auth_required
def export_consents_csv() -> ResponseReturnValue:
    """The consent records made from `from` to `to` (both days included; either may be empty)."""
    start, end = day_arg("from"), day_arg("to")
    if start and end and start > end:
        abort(400, "The date 'from' must not be after the date 'to'.")
    audit_export("consent_records", {"from": start.isoformat() if start else "",
                                     "to": end.isoformat() if end else ""})
    return csv_download(stamped("consent-records"), CONSENT_EXPORT_COLUMNS,
                        records_between(start, end))


@bp.get("/exports/requests.csv")
@role_required(Role.ADMINISTRATOR)
@recent_auth_required
def export_requests_csv() -> ResponseReturnValue:
    """The register of rights requests: reference, type, dates and outcome category only."""
    audit_export("rights_register")
    return csv_download(stamped("rights-requests"), REGISTER_COLUMNS, register_rows())
