"""The security tests' world: three people and one of each thing "user" owns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.users import Users
from website.extensions import db

# "admin" holds every admin role; "editor", "handler" and "administrator" hold one each.
ROLES = ("anonymous", "user", "other", "editor", "handler", "administrator", "admin")
USER_EMAIL = "ada.q7@example.com"
OTHER_EMAIL = "bob.q7@example.com"
ADMIN_EMAIL = "root.q7@example.com"
ONE_ROLE = {"editor": "policy_editor", "handler": "request_handler",
            "administrator": "administrator"}
# Text only "user" (and admins, in the queues) may ever see: nobody else's page may show it.
PRIVATE_MARKERS = ("Marker-Q7", "SECRET-Q7", USER_EMAIL)
NAMES = {"user": "Ada Marker-Q7", "other": "Bob Other", "admin": "Root Admin",
         "editor": "Eve Editor", "handler": "Hal Handler", "administrator": "Ann Administrator"}


@dataclass
class World:
    """Three accounts and one of each thing "user" owns; builds fresh tokens on demand."""

    app: Flask
    user_id: int
    other_id: int
    admin_id: int
    support_reference: str
    rights_reference: str
    export_reference: str
    export_token: str
    draft_id: int
    one_role_ids: dict[str, int]

    def account_id(self, role: str) -> int | None:
        """The account of a role (None for anonymous)."""
        ids = {"user": self.user_id, "other": self.other_id, "admin": self.admin_id}
        return {**ids, **self.one_role_ids}.get(role)

    def email_of(self, role: str) -> str:
        """The account email of a role ("" for anonymous)."""
        if role in ONE_ROLE:
            return f"{role}.q7@example.com"
        return {"user": USER_EMAIL, "other": OTHER_EMAIL, "admin": ADMIN_EMAIL}.get(role, "")

    def name_of(self, role: str) -> str:
        """The account name of a role ("" for anonymous)."""
        return NAMES.get(role, "")

    def client(self, role: str) -> FlaskClient:
        """A fresh test client, logged in as the role (by session, as Flask-Login stores it)."""
        client = self.app.test_client()
        user_id = self.account_id(role)
        if user_id is not None:
            from website.accounts.models import User
            from website.accounts.sessions import stamp_login

            with self.app.app_context():
                token = db.session.get(User, user_id).session_token
            with client.session_transaction() as session:
                session["_user_id"] = token
                session["_fresh"] = True
                stamp_login(session)
        return client

    def reset_token(self) -> str:
        """A new, unused password-reset token for "user" (taken from the email it sends)."""
        from website.accounts.links import request_password_reset
        from website.mail.models import OutboxEmail

        with self.app.test_request_context():
            request_password_reset(USER_EMAIL)
            email = db.session.scalars(
                db.select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(1)
            ).one()
            found = re.search(r"/password/reset/([A-Za-z0-9_\-]+)", email.body_text)
            assert found, email.body_text
            return found.group(1)

    def verified_rights_request(self) -> str:
        """The reference of a new rights request of "user", verified (sent while logged in)."""
        from website.accounts.models import User
        from website.rights import service

        with self.app.app_context():
            user = db.session.get(User, self.user_id)
            made, _ = service.submit_request("restriction", user.name, USER_EMAIL, "", user=user)
            return made.reference

    def system_id(self) -> int:
        """A system of the register (a manual one, added once)."""
        from sqlalchemy import select

        from website.systems.models import System

        with self.app.app_context():
            found = db.session.scalar(select(System.id).where(System.name == "Security test"))
            if found is None:
                system = System(name="Security test", data="Logs", purpose="Service",
                                legal_basis="contract", retention="1 year", kind="manual",
                                instructions="Do it.")
                db.session.add(system)
                db.session.commit()
                found = system.id
            return found

    def webhook_system_id(self) -> int:
        """A webhook system of the register (added once)."""
        from sqlalchemy import select

        from website.systems.models import System

        with self.app.app_context():
            found = db.session.scalar(select(System.id).where(System.name == "Security hook"))
            if found is None:
                system = System(name="Security hook", data="Logs", purpose="Service",
                                legal_basis="contract", retention="1 year", kind="webhook",
                                endpoint="http://127.0.0.1:9/hook")
                db.session.add(system)
                db.session.commit()
                found = system.id
            return found

    def system_task(self) -> dict:
        """A new verified request of "user" and its open task for the system above."""
        from sqlalchemy import select

        from website.systems.models import RequestTask

        self.system_id()
        reference = self.verified_rights_request()
        with self.app.app_context():
            task_id = db.session.scalar(select(RequestTask.id).order_by(RequestTask.id.desc()))
        return {"reference": reference, "task_id": task_id, "action": "waive"}

    def confirm_token(self) -> str:
        """A new email-confirmation token of "other" (as the link on registration carries)."""
        from website.accounts.models import User
        from website.accounts.service import send_confirmation
        from website.mail.models import OutboxEmail

        with self.app.test_request_context():
            send_confirmation(db.session.get(User, self.other_id), OTHER_EMAIL)
            db.session.commit()
            email = db.session.scalars(
                db.select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(1)
            ).one()
            found = re.search(r"/account/email/confirm/([A-Za-z0-9_\-]+)", email.body_text)
            assert found, email.body_text
            return found.group(1)

    def verify_token(self) -> str:
        """The emailed confirmation token of a new, unverified rights request."""
        from website.rights import service

        with self.app.app_context():
            _, token = service.submit_request("access", "Some One", "someone@example.com", "")
            return token


def build_world(app: Flask) -> World:
    """Create the accounts, a support request, rights requests and a policy draft."""
    from website.accounts.models import User
    from website.policy import drafts
    from website.rights import links, workflow
    from website.rights import service as rights
    from website.support import service as support

    users = Users(app)
    user_id = users.create(
        email=USER_EMAIL, name=NAMES["user"], organisation="Org Marker-Q7", phone="+442079460958"
    )
    other_id = users.create(email=OTHER_EMAIL, name=NAMES["other"])
    admin_id = users.create(email=ADMIN_EMAIL, name=NAMES["admin"], admin=True)
    one_role_ids = {}
    for role, held in ONE_ROLE.items():
        one_role_ids[role] = users.create(email=f"{role}.q7@example.com", name=NAMES[role],
                                          roles=held)
    with app.app_context():
        user = db.session.get(User, user_id)
        admin = db.session.get(User, admin_id)
        requester = support.Requester(name=user.name, email=USER_EMAIL)
        support_request = support.submit_request(
            requester, "general", "Subject SECRET-Q7", "Message SECRET-Q7", user_id
        )
        support_reference = support_request.reference
        db.session.commit()
        open_request, _ = rights.submit_request(
            "access", user.name, USER_EMAIL, "Details SECRET-Q7", user=user
        )
        done_request, _ = rights.submit_request("portability", user.name, USER_EMAIL, "", user=user)
        workflow.complete(done_request, admin, "")
        export_token = links.export_token(done_request)
        draft = drafts.create_draft(
            drafts.DraftFields(markdown="# Privacy\n\nDraft text."),
            drafts.Actor(id=admin_id, email=ADMIN_EMAIL),
        )
        return World(
            app=app, user_id=user_id, other_id=other_id, admin_id=admin_id,
            support_reference=support_reference, rights_reference=open_request.reference,
            export_reference=done_request.reference, export_token=export_token,
            draft_id=draft.id, one_role_ids=one_role_ids,
        )

