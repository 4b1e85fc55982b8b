"""Error pages in the site's look: a clear message, never a stack trace."""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime

from flask import Flask, Response, current_app, make_response, render_template, request
from flask.globals import request_ctx as _ctx
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, MethodNotAllowed, ServiceUnavailable

from website.extensions import db, limiter
from website.i18n import gettext as _
from website.i18n import lazy_gettext as _l
from website.i18n import ngettext
from website.outages import database as database_outage

log = logging.getLogger(__name__)

# Forms that act only through form.validate_on_submit(): after a CSRF failure the view runs
# again, its form fails on the token, and the page comes back with what was typed.
RESHOWN_FORMS = {
    "accounts.account", "accounts.login", "accounts.register", "accounts.forgot_password",
    "accounts.reset_password", "support.new_request", "rights.new_request",
}
EXPIRED = _l("Your form expired; please send it again. Go back, reload the page and send the "
             "form again.")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try "
                                "again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    410: (_l("Gone"), _l("This link has expired or has already been used.")),
    413: (_l("Too large"), _l("What you sent is too large. Please shorten it and try again.")),
    429: (_l("Too many requests"), _l("You have sent this too often. Please wait and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been logged.")),
    503: (
        _l("Temporarily unavailable"),
        _l("The site cannot reach its database just now. Please try again in a minute."),
    ),
}


# What an error page is: the rendered HTML, or the JSON body for API clients.
ErrorBody = Response | str | dict[str, str]

def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    if request.headers.get("Accept") == "application/json":
        return True  # what consent.js and most API clients send: no need to parse the list
    return prefers_json(request.accept_mimetypes)


def prefers_json(accepted: MIMEAccept) -> bool:
    """True when an Accept header ranks JSON above HTML."""
    best = accepted.best_match(["application/json", "text/html"])
    return best == "application/json" and accepted[best] > accepted["text/html"]


def render_error(
    code: int, description: str | None = None, retry_after: int | None = None
) -> tuple[ErrorBody, int]:
    """The error page (or JSON) for an HTTP status code."""
    known = MESSAGES.get(code)
    title, message = (str(known[0]), str(known[1])) if known else (
        _("Error %(code)s", code=code), _("The request failed."))
    if description and code in (400, 403, 404, 410):
        message = description
    if retry_after is not None:
        message = _("You have sent this too often. Please try again %(wait)s.",
                    wait=wait_in_words(retry_after))
    if wants_json():
        return {"error": title, "message": message}, code
    if _ctx.url_adapter is None:
        # The Host header is not one of the site's (TRUSTED_HOSTS): no link can be built, and
        # none may point at the host the request named. A plain page, then.
        text = _("This site does not answer to that host name.")
        return Response(f"{title}\n\n{text}\n", mimetype="text/plain"), code
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code


def wait_in_words(seconds: int) -> str:
    """'in 40 seconds', 'in 12 minutes (after 14:05 UTC)', in the page's language."""
    if seconds < 60:
        return ngettext("in %(num)d second", "in %(num)d seconds", max(seconds, 1))
    minutes = math.ceil(seconds / 60)
    after = f"{datetime.fromtimestamp(time.time() + seconds, UTC):%H:%M}"
    if minutes < 120:
        return ngettext("in %(num)d minute (after %(time)s UTC)",
                        "in %(num)d minutes (after %(time)s UTC)", minutes, time=after)
    return ngettext("in %(num)d hour (after %(time)s UTC)",
                    "in %(num)d hours (after %(time)s UTC)", math.ceil(minutes / 60), time=after)


def seconds_until_retry() -> int | None:
    """How long the limit that was hit still lasts, in whole seconds."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(int(current.reset_at - time.time()), 1)


def handle_csrf_error(error: CSRFError) -> Response | tuple[ErrorBody, int]:
    """An expired or missing token: the same form again, with what was typed and a plain note."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and request.endpoint in RESHOWN_FORMS and view and not wants_json():
        response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
        response.status_code = 400
        return response
    return render_error(400, str(EXPIRED))


def handle_http_exception(error: HTTPException) -> ResponseReturnValue | HTTPException:
    """Every HTTP error through the one error template."""
    if error.code is None or error.code < 400:
        return error
    # A description given to abort() is a message for the visitor; the class default is not.
    custom = error.description != type(error).description
    description = error.description if custom else None
    retry_after = seconds_until_retry() if error.code == 429 else None
    result = render_error(error.code, description, retry_after)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        body, code = result
        return body, code, {"Allow": ", ".join(error.valid_methods)}
    return result


def handle_database_down(error: Exception) -> tuple[ErrorBody, int]:
    """A database that does not answer gives 503; the pool reconnects when it is back."""
    database_outage.failed(error)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already broken; nothing more to do
        db.session.close()
    return render_error(503)


def handle_unexpected(error: Exception) -> ResponseReturnValue | HTTPException:
    """Log the failure with its trace; the visitor sees only a plain page."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return render_error(500)


def close_database_session(error: BaseException | None = None) -> None:
    """End the request's session; a database lost after the answer was built is no error."""
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        # The connection died between the answer and this clean-up (a restart, an admin's
        # terminate): forget the session; the pool reconnects on the next request.
        database_outage.failed(error)
        db.session.registry.clear()


def register_errorhandlers(app: Flask) -> None:
    """Install the handlers."""
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first.
    app.teardown_appcontext(close_database_session)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InterfaceError, handle_database_down)
    app.register_error_handler(ServiceUnavailable, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
