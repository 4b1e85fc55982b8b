"""The account's own deletion is a service the web, the CLI and tests share: the password
decides, and the erasure is audited and committed by the service, not by the view."""

from __future__ import annotations

from sqlalchemy import select

from tests.fixtures.users import PASSWORD
from website.accounts.models import User
from website.audit import AuditEntry
from website.extensions import db
from website.rights import workflow


def test_a_wrong_password_deletes_nothing(app, users):
    user_id = users.create()
    with app.app_context():
        assert workflow.delete_account(db.session.get(User, user_id), "not the password") is None
        db.session.rollback()
        assert db.session.get(User, user_id) is not None
        deleted = select(AuditEntry).where(AuditEntry.action == "account.deleted")
        assert db.session.scalars(deleted).all() == []


def test_the_right_password_erases_audits_and_commits(app, users):
    user_id = users.create()
    with app.app_context():
        report = workflow.delete_account(db.session.get(User, user_id), PASSWORD)
        assert report is not None and report.account_deleted
    with app.app_context():  # a new session: the service committed
        assert db.session.get(User, user_id) is None
        deleted = select(AuditEntry).where(AuditEntry.action == "account.deleted")
        assert db.session.scalars(deleted).one().target == f"user:{user_id}"
