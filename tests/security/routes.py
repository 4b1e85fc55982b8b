"""The access contract: every route of the site, and what each kind of visitor gets from it.

Keyed by (endpoint, method). tests/security/test_authorization.py fails when a rule in the
app's URL map has no row here, so a new route cannot be forgotten, and when a row names a route
the app no longer serves.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, url_for

from tests.fixtures.users import PASSWORD
from tests.security.world import ONE_ROLE, ROLES, World
from website.accounts.roles import ANY_ROLE, Role
from website.extensions import utcnow

# Expected status per kind of visitor: anonymous, user, other, admin. The accounts holding one
# admin role ("editor", "handler", "administrator") get what "other" gets, except on the admin
# pages, whose rows say per role (`needs`).
PUBLIC = (200, 200, 200, 200)
LOGGED_IN = (302, 200, 200, 200)  # anonymous visitors are sent to /login
OWNER_ONLY = (404, 200, 404, 404)  # only "user" owns it; anyone else sees "not found"
GUEST_ONLY = (200, 302, 302, 302)  # logged-in visitors are sent to their account
EVERYONE_REDIRECTED = (303, 303, 303, 303)
NO_LINK = (410, 410, 410, 410)


def needs(roles: Role | frozenset[Role], ok: int = 200) -> tuple[int, ...]:
    """An admin route: anonymous -> /login; `ok` for an account holding one of `roles` (and for
    "admin", who holds all); 403 for everyone else."""
    wanted = {roles} if isinstance(roles, Role) else set(roles)
    one_role = tuple(ok if Role(held) in wanted else 403 for held in ONE_ROLE.values())
    return (302, 403, 403, *one_role, ok)


EDITOR = needs(Role.POLICY_EDITOR)
EDITOR_ACTION = needs(Role.POLICY_EDITOR, 303)
HANDLER = needs(Role.REQUEST_HANDLER)
HANDLER_ACTION = needs(Role.REQUEST_HANDLER, 303)
ADMINISTRATOR = needs(Role.ADMINISTRATOR)
ADMINISTRATOR_ACTION = needs(Role.ADMINISTRATOR, 303)
ANY_ADMIN = needs(ANY_ROLE)


Builder = Callable[[World], dict]
FormBuilder = Callable[[World, str], dict]


def no_args(world: World) -> dict:
    """A route without URL values."""
    return {}


def no_form(world: World, role: str) -> dict:
    """A POST with no fields."""
    return {}


@dataclass(frozen=True)
class Route:
    """One endpoint and method, how to call it, and the status each role gets."""

    endpoint: str
    method: str
    expect: tuple[int, ...]
    args: Builder = no_args
    form: FormBuilder = no_form
    html: bool = True
    # False for the forms a visitor without cookies sees: no per-visitor CSRF token there
    # (the cross-origin check guards them); forms behind a login keep Flask-WTF's token.
    token: bool = True

    @property
    def key(self) -> tuple[str, str]:
        """(endpoint, method)."""
        return self.endpoint, self.method

    def expected(self, role: str) -> int:
        """The status this role gets."""
        if len(self.expect) == 4:  # not an admin route: one-role accounts are like "other"
            return self.expect[("anonymous", "user", "other", "admin").index(
                "other" if role in ONE_ROLE else role)]
        return self.expect[ROLES.index(role)]

    def url(self, app: Flask, world: World) -> str:
        """The path with its URL values (fresh tokens are made on every call)."""
        values = self.args(world)
        with app.test_request_context():
            return url_for(self.endpoint, **values)

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


def register_form(world: World, role: str) -> dict:
    """A valid registration for an address never used before."""
    return {"email": f"new-{role}-{secrets.token_hex(4)}@example.com", "name": "New Person",
            "password": "a long pass", "password_confirm": "a long pass", "age_confirm": "y"}


def login_form(world: World, role: str) -> dict:
    """The right credentials of "user"."""
    return {"email": world.email_of("user"), "password": PASSWORD}


def account_form(world: World, role: str) -> dict:
    """The role's own details, saved unchanged."""
    return {"name": world.name_of(role), "email": world.email_of(role) or "nobody@example.com"}


def new_password_form(world: World, role: str) -> dict:
    """A valid new password, typed twice (the same one again, so logging in still works)."""
    return {"password": PASSWORD, "password_confirm": PASSWORD}


def support_form(world: World, role: str) -> dict:
    """A valid support request."""
    return {"name": "Some One", "email": "someone@example.com", "category": "general",
            "subject": "Hello", "message": "A question about the API."}


def rights_form(world: World, role: str) -> dict:
    """A valid rights request for an address none of the accounts has."""
    return {"request_type": "access", "name": "Some One", "email": "someone@example.com"}


def draft_form(world: World, role: str) -> dict:
    """A valid draft, saved."""
    return {"markdown": "# Privacy\n\nNew text.", "summary": "", "effective": "",
            "action": "save"}


def system_form(world: World, role: str) -> dict:
    """A valid new system of the register, under a name never used before."""
    return {"name": f"System {secrets.token_hex(4)}", "data": "Logs", "purpose": "Service",
            "legal_basis": "contract", "retention": "1 year", "kind": "manual",
            "instructions": "Do it."}


def reset_args(world: World) -> dict:
    """A fresh reset link of "user"."""
    return {"token": world.reset_token()}


def verify_args(world: World) -> dict:
    """A fresh confirmation link of someone's rights request."""
    return {"token": world.verify_token()}


def support_args(world: World) -> dict:
    """The support request of "user"."""
    return {"reference": world.support_reference}


def intake_form(world: World, role: str) -> dict:
    """A request received by phone, identity clear on receipt, entered by an admin."""
    return {"request_type": "access", "name": "Phoned In", "email": "phoned@example.com",
            "details": "", "received_on": utcnow().date().isoformat(), "channel": "phone",
            "identity_checked": "y"}


def rights_args(world: World) -> dict:
    """The open rights request of "user"."""
    return {"reference": world.rights_reference}


def draft_args(world: World) -> dict:
    """The admin's draft."""
    return {"draft_id": world.draft_id}


def incident_args(world: World) -> dict:
    """A new incident of the breach register."""
    from website.incidents import service

    with world.app.app_context():
        incident = service.create_incident(service.IncidentFields(
            aware_at=utcnow(), summary="A log was exposed.", categories="", people_count=None,
            records_count=None, consequences="", measures="", contact=""),
            service.Actor(None, "tests"))
        return {"reference": incident.reference}


def public_notice_args(world: World) -> dict:
    """A breach notice published for everyone."""
    from website.incidents import notices, service

    with world.app.app_context():
        incident = service.incident_by_reference(incident_args(world)["reference"])
        assert incident is not None
        notice = notices.publish_notice(incident, notices.NoticeText("A breach", "What happened."),
                                        service.Actor(None, "tests"))
        return {"reference": notice.reference}


def subscriber_args(world: World, salt: str = "subprocessors.link") -> dict:
    """A fresh confirmed subscriber of the sub-processor list: its link token."""
    from website.extensions import db
    from website.subprocessors import service
    from website.subprocessors.models import Subscriber

    with world.app.app_context():
        subscriber = Subscriber(email=f"sub-{secrets.token_hex(4)}@example.com",
                                confirmed_at=utcnow())
        db.session.add(subscriber)
        db.session.commit()
        return {"token": service.token(subscriber, salt)}


def coming_processor_id(world: World) -> int:
    """A system run by a processor that starts in 30 days (added once)."""
    from datetime import timedelta

    from sqlalchemy import select

    from website.extensions import db
    from website.systems.models import System

    with world.app.app_context():
        found = db.session.scalar(select(System.id).where(System.name == "Coming processor"))
        if found is None:
            system = System(name="Coming processor", data="Logs", purpose="Support",
                            legal_basis="contract", retention="1 year", kind="manual",
                            instructions="Do it.", processor="Helpdesk Ltd", location="EU",
                            starts_at=utcnow() + timedelta(days=30))
            db.session.add(system)
            db.session.commit()
            found = system.id
        return found


def with_coming_processor(world: World) -> dict:
    """No URL values; the coming processor the form names exists before the request."""
    coming_processor_id(world)
    return {}


def objection_args(world: World) -> dict:
    """A subscriber's link to object to the coming processor."""
    return {**subscriber_args(world), "system_id": coming_processor_id(world)}


def open_objection_args(world: World) -> dict:
    """An objection waiting for the team's answer."""
    from website.subprocessors import service

    values = objection_args(world)
    with world.app.app_context():
        subscriber = service.subscriber_for(values["token"])
        system = service.coming_processor(values["system_id"])
        assert subscriber is not None and system is not None
        return {"objection_id": service.object_to(subscriber, system, "No, thanks.").id}


def incident_form(world: World, role: str) -> dict:
    """A valid record of a breach."""
    return {"aware_at": utcnow().strftime("%Y-%m-%d %H:%M"), "summary": "A log was exposed."}


ROUTES: tuple[Route, ...] = (
    # Pages and files anyone may read.
    Route("pages.home", "GET", PUBLIC),
    # A machine endpoint: an unsigned POST to a task that does not exist is refused alike.
    Route("webhooks.answer", "POST", (404, 404, 404, 404), args=lambda w: {"task_id": 987654},
          html=False, token=False),
    Route("pages.healthz", "GET", PUBLIC, html=False),
    Route("pages.robots", "GET", PUBLIC, html=False),
    Route("pages.sitemap", "GET", PUBLIC, html=False),
    Route("pages.gpc", "GET", PUBLIC, html=False),
    Route("pages.security_txt", "GET", PUBLIC, html=False),
    Route("static", "GET", PUBLIC, args=lambda w: {"filename": "css/site.css"}, html=False),
    Route("policy.current", "GET", PUBLIC),
    Route("policy.versions", "GET", PUBLIC),
    Route("policy.version", "GET", PUBLIC, args=lambda w: {"number": 1}),
    Route("policy.version_markdown", "GET", PUBLIC, args=lambda w: {"number": 1}, html=False),
    Route("policy.diff", "GET", PUBLIC, args=lambda w: {"from": 1, "to": 1}),
    Route("records.retention", "GET", PUBLIC),
    Route("policy.dismiss_notice", "POST", EVERYONE_REDIRECTED,
          form=lambda w, r: {"version": "1", "next": "/privacy"}, token=False),
    # Cookie consent.
    Route("consent.cookies", "GET", PUBLIC),
    Route("consent.cookies_json", "GET", PUBLIC, html=False),
    Route("consent.save", "POST", EVERYONE_REDIRECTED, form=lambda w, r: {"choice": "reject_all"},
          token=False),
    # The receipt is for the consent id in the visitor's cookie: none here, so nothing to show.
    Route("consent.receipt", "GET", (404, 404, 404, 404)),
    # Accounts.
    Route("accounts.register", "GET", GUEST_ONLY),
    Route("accounts.register", "POST", (303, 302, 302, 302), form=register_form, token=False),
    Route("accounts.login", "GET", GUEST_ONLY),
    Route("accounts.login", "POST", (303, 302, 302, 302), form=login_form, token=False),
    Route("accounts.register_sent", "GET", PUBLIC),
    Route("accounts.resend_registration", "POST", EVERYONE_REDIRECTED),
    Route("accounts.logout", "POST", EVERYONE_REDIRECTED),
    Route("accounts.logout_everywhere", "POST", (302, 303, 303, 303)),
    # The emailed link moves its token into the session and sends the browser on.
    Route("accounts.confirm_email_link", "GET", EVERYONE_REDIRECTED,
          args=lambda w: {"token": w.confirm_token()}),
    # Without a link's token in the session there is nothing to confirm: 410 for everyone.
    Route("accounts.confirm_email", "GET", NO_LINK),
    Route("accounts.confirm_email", "POST", NO_LINK),
    Route("accounts.resend_confirmation", "POST", (302, 303, 303, 303)),
    Route("accounts.forgot_password", "GET", PUBLIC),
    Route("accounts.forgot_password", "POST", PUBLIC,
          form=lambda w, r: {"email": "nobody@example.com"}, token=False),
    Route("accounts.reset_password", "GET", PUBLIC, args=reset_args),
    Route("accounts.reset_password", "POST", EVERYONE_REDIRECTED, args=reset_args,
          form=new_password_form, token=False),
    # Without a password typed a moment ago on this browser there is no code to ask for.
    Route("accounts.login_code", "GET", EVERYONE_REDIRECTED),
    Route("accounts.login_code", "POST", EVERYONE_REDIRECTED,
          form=lambda w, r: {"code": "123456"}),
    Route("accounts.reauth", "GET", LOGGED_IN),
    # Nothing typed: the page again, asking for the password.
    Route("accounts.reauth", "POST", LOGGED_IN),
    Route("accounts.account", "GET", LOGGED_IN),
    Route("accounts.account", "POST", (302, 303, 303, 303), form=account_form),
    Route("accounts.change_password", "POST", (302, 303, 303, 303),
          form=lambda w, r: {"current_password": PASSWORD, **new_password_form(w, r)}),
    Route("rights.account_export", "GET", LOGGED_IN, html=False),
    # Without the password nothing is deleted: the form answers 400.
    Route("rights.account_delete", "POST", (302, 400, 400, 400)),
    # Support requests.
    Route("support.new_request", "GET", PUBLIC),
    Route("support.new_request", "POST", EVERYONE_REDIRECTED, form=support_form, token=False),
    Route("support.received", "GET", PUBLIC),
    Route("support.submitted", "GET", OWNER_ONLY, args=support_args),
    # Data-rights requests.
    Route("rights.new_request", "GET", PUBLIC),
    Route("rights.new_request", "POST", EVERYONE_REDIRECTED, form=rights_form, token=False),
    Route("rights.requested", "GET", PUBLIC),
    # Without a waiting request in the session nothing is sent; back to "check your email".
    Route("rights.resend", "POST", EVERYONE_REDIRECTED),
    Route("rights.verify", "GET", PUBLIC, args=verify_args),  # one button; confirms nothing
    Route("rights.verify", "POST", EVERYONE_REDIRECTED, args=verify_args, token=False),
    Route("rights.new_status_link", "GET", PUBLIC),
    Route("rights.new_status_link", "POST", PUBLIC,
          form=lambda w, r: {"reference": w.rights_reference, "email": "someone@example.com"},
          token=False),
    Route("rights.status", "GET", OWNER_ONLY, args=rights_args),
    Route("rights.export_download", "GET", OWNER_ONLY, html=False,
          args=lambda w: {"reference": w.export_reference, "token": w.export_token}),
    # The admin area: each row names the role its page needs.
    Route("admin.dashboard", "GET", ANY_ADMIN),
    Route("admin.audit", "GET", ADMINISTRATOR),
    Route("admin.policy", "GET", EDITOR),
    Route("admin.new_draft", "GET", EDITOR),
    Route("admin.create_draft", "POST", EDITOR_ACTION, form=draft_form),
    Route("admin.draft", "GET", EDITOR, args=draft_args),
    Route("admin.update_draft", "POST", EDITOR_ACTION, args=draft_args, form=draft_form),
    Route("admin.translation", "GET", EDITOR, args=lambda w: {"number": 1, "locale": "de"}),
    # A preview (200 for the admin): publishing is tested in tests/i18n.
    Route("admin.add_translation", "POST", EDITOR,
          args=lambda w: {"number": 1, "locale": "de"},
          form=lambda w, r: {"markdown": "## Ihre Rechte\n\nText.", "action": "preview"}),
    Route("admin.support_queue", "GET", HANDLER),
    Route("admin.support_detail", "GET", HANDLER, args=support_args),
    Route("admin.support_reply", "POST", HANDLER_ACTION, args=support_args,
          form=lambda w, r: {"body": "Thank you, we are on it."}),
    Route("admin.support_close", "POST", HANDLER_ACTION, args=support_args),
    Route("admin.support_reopen", "POST", HANDLER_ACTION, args=support_args),
    Route("admin.support_category", "POST", HANDLER_ACTION, args=support_args,
          form=lambda w, r: {"category": "compromised_key"}),
    Route("admin.support_note", "POST", HANDLER_ACTION, args=support_args,
          form=lambda w, r: {"body": "Asked billing to check."}),
    Route("admin.support_assign", "POST", HANDLER_ACTION, args=support_args,
          form=lambda w, r: {"assignee": ""}),
    Route("admin.rights_queue", "GET", HANDLER),
    Route("admin.rights_new", "GET", HANDLER),
    Route("admin.rights_new", "POST", HANDLER_ACTION, form=intake_form),
    Route("admin.rights_detail", "GET", HANDLER, args=rights_args),
    Route("admin.rights_action", "POST", HANDLER_ACTION,
          args=lambda w: {"reference": w.verified_rights_request(), "action": "start"}),
    Route("admin.mfa_page", "GET", ANY_ADMIN),
    # No secret shown to this session yet: nothing to check the code against.
    Route("admin.mfa_enrol", "POST", needs(ANY_ROLE, 400), form=lambda w, r: {"code": "1"}),
    # No second factor enrolled: back to the enrolment page.
    Route("admin.mfa_recovery_codes", "POST", needs(ANY_ROLE, 303)),
    Route("admin.exports", "GET", ADMINISTRATOR),
    Route("admin.export_audit_csv", "GET", ADMINISTRATOR, html=False),
    Route("admin.export_consents_csv", "GET", ADMINISTRATOR, html=False,
          args=lambda w: {"from": "2025-01-01", "to": "2030-12-31"}),
    Route("admin.export_requests_csv", "GET", ADMINISTRATOR, html=False),
    Route("admin.consents", "GET", ANY_ADMIN),
    Route("admin.analytics", "GET", ANY_ADMIN),
    Route("admin.processing", "GET", ADMINISTRATOR),
    Route("admin.processing_json", "GET", ADMINISTRATOR, html=False),
    Route("admin.processing_csv_download", "GET", ADMINISTRATOR, html=False),
    # The register of systems and the systems' tasks.
    Route("admin.systems", "GET", ADMINISTRATOR),
    Route("admin.systems", "POST", ADMINISTRATOR_ACTION, form=system_form),
    Route("admin.site_system", "GET", ADMINISTRATOR),
    Route("admin.system", "GET", ADMINISTRATOR, args=lambda w: {"system_id": w.system_id()}),
    Route("admin.rotate_secret", "POST", ADMINISTRATOR,
          args=lambda w: {"system_id": w.webhook_system_id()}),
    Route("admin.system", "POST", ADMINISTRATOR_ACTION, args=lambda w: {"system_id": w.system_id()},
          form=lambda w, r: {**system_form(w, r), "name": "Security test", "action": "save"}),
    Route("admin.task_queue", "GET", HANDLER),
    Route("admin.task_action", "POST", HANDLER_ACTION, args=lambda w: w.system_task(),
          form=lambda w, r: {"reason": "Nothing held there."}),
    # The breach register and its notices (tests/incidents).
    Route("admin.incidents", "GET", ADMINISTRATOR),
    Route("admin.incidents", "POST", ADMINISTRATOR_ACTION, form=incident_form),
    Route("admin.incident", "GET", ADMINISTRATOR, args=incident_args),
    Route("admin.incident", "POST", ADMINISTRATOR_ACTION, args=incident_args, form=incident_form),
    Route("admin.incident_decisions", "POST", ADMINISTRATOR_ACTION, args=incident_args,
          form=lambda w, r: {"authority": "notify", "authority_reason": "A risk to people."}),
    Route("admin.incident_notified", "POST", ADMINISTRATOR_ACTION, args=incident_args),
    Route("admin.incident_authority_draft", "GET", ADMINISTRATOR, args=incident_args, html=False),
    # A preview (200 for the admin): sending is tested in tests/incidents.
    Route("admin.incident_notice", "POST", ADMINISTRATOR, args=incident_args,
          form=lambda w, r: {"audience": "addresses", "addresses": w.email_of("user"),
                             "subject": "A breach", "body": "What happened.",
                             "action": "preview"}),
    Route("incidents.public_notice_page", "GET", PUBLIC, args=public_notice_args),
    # The sub-processor list, its subscriptions and objections (tests/subprocessors).
    Route("subprocessors.page", "GET", PUBLIC),
    Route("subprocessors.feed", "GET", PUBLIC, html=False),
    Route("subprocessors.subscribe", "POST", EVERYONE_REDIRECTED, token=False,
          form=lambda w, r: {"email": f"follow-{secrets.token_hex(4)}@example.com"}),
    Route("subprocessors.check_email", "GET", PUBLIC),
    Route("subprocessors.confirm", "GET", PUBLIC,
          args=lambda w: subscriber_args(w, "subprocessors.confirm")),
    Route("subprocessors.confirm", "POST", PUBLIC, token=False,
          args=lambda w: subscriber_args(w, "subprocessors.confirm")),
    Route("subprocessors.unsubscribe", "GET", PUBLIC, args=subscriber_args),
    Route("subprocessors.unsubscribe", "POST", PUBLIC, args=subscriber_args, token=False),
    Route("subprocessors.ask_to_object", "POST", EVERYONE_REDIRECTED, token=False,
          args=with_coming_processor,
          form=lambda w, r: {"email": "someone@example.com", "system": coming_processor_id(w)}),
    Route("subprocessors.objection", "GET", PUBLIC, args=objection_args),
    Route("subprocessors.objection", "POST", PUBLIC, args=objection_args, token=False),
    Route("admin.objections", "GET", ADMINISTRATOR),
    Route("admin.answer_objection", "POST", ADMINISTRATOR_ACTION, args=open_objection_args,
          form=lambda w, r: {"answer": "We keep the data in the EU."}),
)

BY_KEY = {route.key: route for route in ROUTES}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def url_map_keys(app: Flask) -> set[tuple[str, str]]:
    """(endpoint, method) for every rule the app serves."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IGNORED_METHODS
    }



def html_pages(app: Flask, role: str) -> list[Route]:
    """The HTML pages this role may open (GET, answered 200), as the app serves them now."""
    served = url_map_keys(app)
    return [
        route for route in ROUTES
        if route.method == "GET" and route.html and route.key in served
        and route.expected(role) == 200
    ]
