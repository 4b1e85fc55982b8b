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

from tests.conftest import PASSWORD
from tests.security.world import ROLES, World
from website.extensions import utcnow

# Expected status per role, in the order of ROLES: anonymous, user, other, admin.
PUBLIC = (200, 200, 200, 200)
LOGGED_IN = (302, 200, 200, 200)  # anonymous visitors are sent to /login
ADMIN_ONLY = (302, 403, 403, 200)  # anonymous -> /login, non-admins 403
OWNER_ONLY = (404, 200, 404, 404)  # only "user" owns it; anyone else sees "not found"
GUEST_ONLY = (200, 302, 302, 302)  # logged-in visitors are sent to their account
EVERYONE_REDIRECTED = (303, 303, 303, 303)
ADMIN_ACTION = (302, 403, 403, 303)
NO_LINK = (410, 410, 410, 410)


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
    expect: tuple[int, int, int, int]
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


ROUTES: tuple[Route, ...] = (
    # Pages and files anyone may read.
    Route("pages.home", "GET", PUBLIC),
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
    # The admin area.
    Route("admin.dashboard", "GET", ADMIN_ONLY),
    Route("admin.audit", "GET", ADMIN_ONLY),
    Route("admin.policy", "GET", ADMIN_ONLY),
    Route("admin.new_draft", "GET", ADMIN_ONLY),
    Route("admin.create_draft", "POST", ADMIN_ACTION, form=draft_form),
    Route("admin.draft", "GET", ADMIN_ONLY, args=draft_args),
    Route("admin.update_draft", "POST", ADMIN_ACTION, args=draft_args, form=draft_form),
    Route("admin.translation", "GET", ADMIN_ONLY, args=lambda w: {"number": 1, "locale": "de"}),
    # A preview (200 for the admin): publishing is tested in tests/i18n.
    Route("admin.add_translation", "POST", ADMIN_ONLY,
          args=lambda w: {"number": 1, "locale": "de"},
          form=lambda w, r: {"markdown": "## Ihre Rechte\n\nText.", "action": "preview"}),
    Route("admin.support_queue", "GET", ADMIN_ONLY),
    Route("admin.support_detail", "GET", ADMIN_ONLY, args=support_args),
    Route("admin.support_reply", "POST", ADMIN_ACTION, args=support_args,
          form=lambda w, r: {"body": "Thank you, we are on it."}),
    Route("admin.support_close", "POST", ADMIN_ACTION, args=support_args),
    Route("admin.support_reopen", "POST", ADMIN_ACTION, args=support_args),
    Route("admin.rights_queue", "GET", ADMIN_ONLY),
    Route("admin.rights_new", "GET", ADMIN_ONLY),
    Route("admin.rights_new", "POST", ADMIN_ACTION, form=intake_form),
    Route("admin.rights_detail", "GET", ADMIN_ONLY, args=rights_args),
    Route("admin.rights_action", "POST", ADMIN_ACTION,
          args=lambda w: {"reference": w.verified_rights_request(), "action": "start"}),
    Route("admin.consents", "GET", ADMIN_ONLY),
    Route("admin.analytics", "GET", ADMIN_ONLY),
    Route("admin.processing", "GET", ADMIN_ONLY),
    Route("admin.processing_json", "GET", ADMIN_ONLY, html=False),
    Route("admin.processing_csv_download", "GET", ADMIN_ONLY, html=False),
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
