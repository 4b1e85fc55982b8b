"""The cookie page, its JSON twin, and the consent form's target."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from website.consent import bp, proof, registry, service, state
from website.consent.forms import read_consent_form
from website.errors import wants_json
from website.extensions import csrf, limiter
from website.forms import body_not_utf8
from website.i18n import gettext as _
from website.security import safe_local_path


@bp.get("/cookies")
def cookies() -> str:
    """What each category is for, every cookie, the current choice, and the form."""
    return render_template(
        "consent/cookies.html",
        state=state.consent_state(),
        categories=registry.categories(),
        cookies=registry.as_json()["cookies"],
    )


@bp.get("/cookies.json")
def cookies_json() -> ResponseReturnValue:
    """The cookie registry, machine readable."""
    return jsonify(registry.as_json())


@bp.post("/cookies/consent")
@csrf.exempt
@limiter.limit(service.DECISIONS_PER_MINUTE)
def save() -> Any:
    """Record the visitor's decision, remember it in a cookie, and return where they were."""
    form = None if body_not_utf8() else read_consent_form(request.form)
    if form is None:
        abort(400, _("Choose Accept all, Reject all or Save choices."))
    current = state.consent_state()
    decision = service.decide(form.choice, form.requested, form.origin, form.gpc_exception,
                              current)
    if decision is None:
        return gpc_exception_needed()
    granted, origin = decision
    stored = state.record_decision(granted, origin, current,
                                   banner_fingerprint=proof.banner_fingerprint(current.expired))
    response: BaseResponse
    if wants_json():
        response = jsonify(
            consent_id=stored.consent_id, categories=service.categories_map(granted)
        )
    else:
        flash(saved_message(granted), "success")
        target = safe_local_path(form.next) or url_for("consent.cookies")
        response = redirect(target, 303)
    state.set_choice_cookies(response, stored)
    return response


def gpc_exception_needed() -> Any:
    """A grant under the GPC signal counts only when the exception is confirmed explicitly."""
    message = _("Your browser sends the Global Privacy Control signal, which refuses every "
                "optional category. To allow one anyway on this site, tick it and confirm the "
                "exception, then save.")
    if wants_json():
        return jsonify(error=message), 409
    flash(message, "error")
    return redirect(url_for("consent.cookies", _anchor="your-choice"), 303)


@bp.get("/cookies/receipt")
def receipt() -> ResponseReturnValue:
    """The visitor's own consent receipt (JSON), for the consent id in their cookie."""
    stored = service.decode_choice(request.cookies.get(registry.CONSENT_COOKIE))
    body = proof.consent_receipt(stored.consent_id) if stored else None
    if body is None or stored is None:
        abort(404, _("No consent is recorded for this browser."))
    response = jsonify(body)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="consent-receipt-{stored.consent_id}.json"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def saved_message(granted: frozenset[str]) -> str:
    """The confirmation shown after a form post."""
    names = [str(c.label) for c in registry.optional_categories() if c.key in granted]
    if not names:
        return _("Your choice is saved: only strictly necessary cookies are used.")
    return _("Your choice is saved: %(categories)s allowed.", categories=", ".join(names))

