"""Migration identity_1 on a database that already has accounts: admins count as confirmed,
everyone else must confirm (nothing proved who owned those addresses before)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from tests.fixtures import ROOT
from tests.fixtures.app import make_app
from website.extensions import db


def test_existing_admins_are_confirmed_and_other_accounts_are_not(tmp_path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="support_1")
        with db.engine.begin() as conn:
            for email, admin in (("root@example.com", True), ("ada@example.com", False)):
                conn.execute(text(
                    "INSERT INTO users (email, password_hash, name, organisation, phone, address,"
                    " is_admin, session_token, created_at) VALUES (:email, 'x', '', '', '', '',"
                    " :admin, :email, '2026-01-01 10:00:00')"), {"email": email, "admin": admin})
        upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT email, email_confirmed_at FROM users")).all())
        db.engine.dispose()
    assert rows["root@example.com"] is not None
    assert rows["ada@example.com"] is None
