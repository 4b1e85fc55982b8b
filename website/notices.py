"""The on-site notice of a material policy change, its cookie and its no-JavaScript dismiss button.

The policy knows what changed (website/policy/announce.py); the consent registry lists the
cookie; this module joins them, so neither the policy nor consent imports the other.

Who sees it: a *returning* visitor, meaning a logged-in user or a browser that already holds a
cookie from this site (session, consent or login cookie). A first request carries no cookie from
us, so a brand-new visitor is not told that a policy they never read has changed. The notice
shows while the latest material version has been in force for less than POLICY_NOTICE_DAYS, and
until the visitor dismisses it: the `policy_notice` cookie (necessary: it only remembers the
version number dismissed) hides it for that version.
"""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from website.consent import registry
from website.extensions import csrf, db
from website.policy import bp
from website.policy.announce import MaterialNotice, current_notice
from website.security import safe_local_path

NOTICE_COOKIE = registry.POLICY_NOTICE_COOKIE


def is_returning_visitor() -> bool:
    """A logged-in user, or a browser that sends back any cookie of ours."""
    if current_user.is_authenticated:
        return True
    return any(name != NOTICE_COOKIE for name in request.cookies)


def notice_for_request() -> MaterialNotice | None:
    """The notice this visitor should see on this page, if any (computed once per request)."""
    if "policy_notice" not in g:
        g.policy_notice = None
        if request.endpoint != "policy.dismiss_notice" and is_returning_visitor():
            notice = notice_or_none()
            if notice is not None and request.cookies.get(NOTICE_COOKIE) != str(notice.number):
                g.policy_notice = notice
    return g.policy_notice


def notice_or_none() -> MaterialNotice | None:
    """The current notice; None when the database cannot say (the 503 page must still render)."""
    try:
        return current_notice()
    except SQLAlchemyError:
        db.session.rollback()
        return None

@bp.post("/policy/notice/dismiss")
@csrf.exempt
def dismiss_notice() -> ResponseReturnValue:
    """Hide the notice of this material version (field `version`), then go back to `next`."""
    response = redirect(safe_local_path(request.form.get("next")) or url_for("pages.home"), 303)
    version = request.form.get("version", "")
    if version.isascii() and version.isdigit() and len(version) < 10:
        registry.set_cookie(response, NOTICE_COOKIE, str(int(version)))
    return response


def register_notices(app: Flask) -> None:
    """`policy_notice()` in every template: the notice this visitor should see, if any."""
    app.add_template_global(notice_for_request, "policy_notice")
