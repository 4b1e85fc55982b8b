"""/privacy/subprocessors: the list, its Atom feed, subscribing, unsubscribing and objecting.

Every page a visitor without a link sees is the same for everyone (PublicForm: no per-visitor
token; the cross-origin check guards the POSTs). The links in the emails carry a signed token."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from website.extensions import csrf, limiter
from website.i18n import localised_url
from website.subprocessors import bp, service
from website.subprocessors.forms import AskToObjectForm, ObjectionForm, SubscribeForm
from website.subprocessors.models import Subscriber
from website.support.views import support_rate_limit

NOT_COMING = "This sub-processor is not about to start: there is nothing to object to."


def list_page(form: SubscribeForm | None = None, ask: AskToObjectForm | None = None,
              status: int = 200) -> tuple[str, int]:
    """The list with the subscribe form (and a form's errors after a bad POST)."""
    return render_template(
        "subprocessors/list.html", listing=service.listing(),
        form=form or SubscribeForm(formdata=None), ask=ask or AskToObjectForm(formdata=None),
    ), status


@bp.get("/privacy/subprocessors")
def page() -> tuple[str, int]:
    """The sub-processors in use and those about to start, with purpose, data and location."""
    return list_page()


@bp.get("/privacy/subprocessors.atom")
def feed() -> ResponseReturnValue:
    """The list as an Atom feed: one entry per processor, updated when it was added."""
    every = service.processors()
    updated = max((s.starts_at or s.created_at for s in every), default=None)
    body = render_template("subprocessors/feed.atom", systems=every, updated=updated,
                           page_url=localised_url("subprocessors.page"),
                           feed_url=localised_url("subprocessors.feed"))
    return Response(body, mimetype="application/atom+xml")


@bp.post("/privacy/subprocessors/subscribe")
@csrf.exempt
@limiter.limit(support_rate_limit)
def subscribe() -> ResponseReturnValue:
    """Field `email`: a confirmation link is emailed (double opt-in); the same answer for any
    address, so the page never tells who subscribed."""
    form = SubscribeForm()
    if not form.validate():
        return list_page(form=form, status=400)
    service.subscribe(form.email.data)
    return redirect(url_for("subprocessors.check_email"), 303)


@bp.get("/privacy/subprocessors/check-email")
def check_email() -> str:
    """Where a subscription or a request to object leads: look for our email."""
    return render_template("subprocessors/check_email.html")


def subscriber_or_404(value: str, salt: str = service.LINK) -> Subscriber:
    """The subscriber a link names, or 404 (a forged, old or unsubscribed link)."""
    subscriber = service.subscriber_for(value, salt)
    if subscriber is None:
        abort(404, "This link is not valid (any more). Subscribe again from the list's page.")
    return subscriber


@bp.route("/privacy/subprocessors/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
def confirm(token: str) -> ResponseReturnValue:
    """The emailed link: a button confirms (a mail scanner's GET confirms nothing)."""
    subscriber = subscriber_or_404(token, service.CONFIRM)
    if request.method == "POST":
        service.confirm(subscriber)
    return render_template("subprocessors/confirm.html", subscriber=subscriber)


@bp.route("/privacy/subprocessors/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """RFC 8058 one-click: a POST unsubscribes, without cookies or login; a GET asks first."""
    subscriber = service.subscriber_for(token)
    if request.method == "POST":
        if subscriber is not None:
            service.unsubscribe(subscriber)
        return render_template("subprocessors/unsubscribed.html")
    if subscriber is None:
        return render_template("subprocessors/unsubscribed.html")
    return render_template("subprocessors/unsubscribe.html", subscriber=subscriber)


@bp.post("/privacy/subprocessors/object")
@csrf.exempt
@limiter.limit(support_rate_limit)
def ask_to_object() -> ResponseReturnValue:
    """From the page (fields `email`, `system`): a confirmed subscriber is emailed the link to
    object; any other address gets the same answer and no email."""
    ask = AskToObjectForm()
    if not ask.validate():
        return list_page(ask=ask, status=400)
    system = service.coming_processor(ask.system.data)
    if system is None:
        ask.system.errors = [NOT_COMING]
        return list_page(ask=ask, status=400)
    service.send_objection_link(ask.email.data, system)
    return redirect(url_for("subprocessors.check_email"), 303)


@bp.route("/privacy/subprocessors/object/<token>/<int:system_id>", methods=["GET", "POST"])
@csrf.exempt
def objection(token: str, system_id: int) -> ResponseReturnValue:
    """A subscriber objects to a coming sub-processor; the team answers before its start."""
    subscriber = subscriber_or_404(token)
    if subscriber.confirmed_at is None:
        abort(404)
    system = service.coming_processor(system_id)
    if system is None:
        abort(404, NOT_COMING)
    form = ObjectionForm()
    existing = service.objection_of(subscriber, system)
    if request.method == "POST":
        if form.validate():
            existing = service.object_to(subscriber, system, form.reason.data or "")
            return render_template("subprocessors/objected.html", system=system,
                                   objection=existing)
        status = 400
    else:
        status = 200
        if existing is not None:
            form.reason.data = existing.reason
    return render_template("subprocessors/object.html", form=form, system=system,
                           existing=existing), status
