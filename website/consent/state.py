"""The consent of the request in progress: its state (kept on `g`), the cookies an answer sets,
the after-request hook (GPC over an earlier grant, the analytics gate) and the templates'
`consent`. The rules themselves are in `website.consent.service`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from website.accounts.sessions import may_be_logged_in
from website.consent import registry
from website.consent.analytics import counts_as_page_view, forget_visitor, record_page_view
from website.consent.service import (
    ConsentState,
    StoredChoice,
    encode_choice,
    latest_gpc_refusal,
    record_consent,
    state_for,
)
from website.extensions import db
from website.i18n import page_locale
from website.processing import ANALYTICS, processing_allowed

log = logging.getLogger(__name__)


def consent_state() -> ConsentState:
    """The consent in force for this request (computed once per request)."""
    if "consent_state" in g:
        return g.consent_state
    state = state_for(request.cookies.get(registry.CONSENT_COOKIE),
                      gpc=request.headers.get("Sec-GPC", "").strip() == "1")
    g.consent_state = state
    return state


def set_choice_cookies(response: Response, choice: StoredChoice) -> None:
    """Remember the choice; drop the analytics id when analytics is refused."""
    registry.set_cookie(response, registry.CONSENT_COOKIE, encode_choice(choice))
    if registry.ANALYTICS not in choice.granted and registry.ANALYTICS_COOKIE in request.cookies:
        registry.delete_cookie(response, registry.ANALYTICS_COOKIE)


def current_user_id() -> int | None:
    """The logged-in user's id, or None."""
    if not may_be_logged_in():
        return None  # a first visitor's click skips Flask-Login
    return current_user.id if current_user.is_authenticated else None


def record_decision(granted: frozenset[str], origin: str, state: ConsentState,
                    banner_fingerprint: str = "") -> StoredChoice:
    """Store this request's decision as proof: its user, browser and page language."""
    return record_consent(granted, origin, state, current_user_id(),
                          request.headers.get("User-Agent", ""),
                          banner_fingerprint=banner_fingerprint, locale=page_locale())


def record_gpc_refusal(response: Response, state: ConsentState) -> None:
    """A grant meets the GPC signal: record the refusal once per change, as source "gpc".

    A client that keeps sending the old cookie (it never stored the new one) gets the refusal
    already on record, so the proof holds one row per change of state, not one per request.
    """
    choice = latest_gpc_refusal(state.stored) if state.stored else None
    if choice is None:
        choice = record_decision(frozenset(), "gpc", state)
    set_choice_cookies(response, choice)


def apply_consent(response: Response) -> Response:
    """After each request: honour GPC over a banner grant, and count the page view if allowed."""
    if request.endpoint in (None, "static", "consent.save"):
        return response
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
        response.vary.add("Sec-GPC")
    try:
        state = consent_state()
        if state.gpc_override:
            record_gpc_refusal(response, state)
        elif state.allows(registry.ANALYTICS):
            if not processing_allowed(current_user, ANALYTICS):
                forget_visitor(response)  # restricted or objected: out of analytics at once
            elif counts_as_page_view(response):
                record_page_view(response)
        elif registry.ANALYTICS_COOKIE in request.cookies:
            registry.delete_cookie(response, registry.ANALYTICS_COOKIE)
    except SQLAlchemyError:
        # Statistics never cost a visitor their page.
        db.session.rollback()
        log.warning("could not apply consent after %s", request.path, exc_info=True)
    return response


def consent_context() -> dict[str, Any]:
    """Templates get `consent`: the visitor's state (banner shown or not, GPC honoured)."""
    if not has_request_context() or request.endpoint == "static":
        return {}
    return {"consent": consent_state()}


def register_consent(app: Flask) -> None:
    """Install the consent hooks (banner state for templates, analytics gate)."""
    app.context_processor(consent_context)
    app.jinja_env.globals["category_label"] = registry.category_label
    app.after_request(apply_consent)
