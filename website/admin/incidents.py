"""Admin: the breach register (Art. 33) and the notices to the people affected (Art. 34).

Reads and changes incidents only through website.incidents (service and notices)."""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import acting_admin, bp, or_404
from website.admin.confirm import Confirmation, confirmation_page, confirmed
from website.extensions import utcnow
from website.incidents import notices, service
from website.incidents import recipients as recipients_of
from website.incidents.forms import DecisionForm, IncidentForm, NoticeForm
from website.incidents.models import Incident, IncidentNotice

# Who may work the register. With roles, this is the `administrator` role's guard.
incidents_guard = role_required(Role.ADMINISTRATOR)


def incident_or_404(reference: str) -> Incident:
    """The incident, or a 404 page."""
    return or_404(service.incident_by_reference(reference),
                  "There is no incident with that reference.")


def record_form(incident: Incident) -> IncidentForm:
    """The record's form, filled from the register."""
    def count(value: int | None) -> str:
        return "" if value is None else str(value)

    return IncidentForm(
        formdata=None, aware_at=incident.aware_at.strftime("%Y-%m-%d %H:%M"),
        summary=incident.summary, categories=incident.categories,
        people_count=count(incident.people_count), records_count=count(incident.records_count),
        consequences=incident.consequences, measures=incident.measures, contact=incident.contact,
    )


def render_detail(incident: Incident, status: int = 200, **forms: object) -> tuple[str, int]:
    """The incident page: clock, record, decisions, the authority's draft, the notices."""
    forms.setdefault("form", record_form(incident))
    forms.setdefault("decision_form", DecisionForm(
        formdata=None, authority=incident.authority_decision,
        authority_reason=incident.authority_reason, people=incident.people_decision,
        people_reason=incident.people_reason, delay_reason=incident.delay_reason))
    forms.setdefault("notice_form", NoticeForm(formdata=None, audience="addresses"))
    now = utcnow()
    return render_template(
        "admin/incident_detail.html", incident=incident, now=now,
        deadline=service.deadline(incident), overdue=service.is_overdue(incident, now),
        running=service.clock_running(incident), hours_left=service.hours_left(incident, now),
        draft=service.authority_notification(incident, current_app.config["COMPANY_NAME"], now),
        sent_notices=[(n, notices.notice_counts(n)) for n in incident.notices],
        audiences=notices.AUDIENCES, **forms,
    ), status


@bp.route("/incidents", methods=["GET", "POST"])
@incidents_guard
def incidents() -> ResponseReturnValue:
    """The breach register; a POST records a new incident (303 to its page)."""
    form = IncidentForm()
    if form.is_submitted():
        if form.validate():
            incident = service.create_incident(form.fields(), acting_admin())
            flash(f"Incident {incident.reference} recorded. The 72-hour clock runs.", "success")
            return redirect(url_for("admin.incident", reference=incident.reference), 303)
        status = 400
    else:
        form = IncidentForm(formdata=None, aware_at=utcnow().strftime("%Y-%m-%d %H:%M"))
        status = 200
    now = utcnow()
    rows = [(i, service.deadline(i), service.is_overdue(i, now), service.clock_running(i))
            for i in service.list_incidents()]
    return render_template("admin/incidents.html", form=form, rows=rows), status


@bp.route("/incidents/<reference>", methods=["GET", "POST"])
@incidents_guard
def incident(reference: str) -> ResponseReturnValue:
    """One incident; a POST saves its record as typed."""
    incident = incident_or_404(reference)
    form = IncidentForm()
    if not form.is_submitted():
        return render_detail(incident)
    if not form.validate():
        return render_detail(incident, 400, form=form)
    changed = service.update_incident(incident, form.fields(), acting_admin())
    flash("Record saved." if changed else "Nothing changed.", "success")
    return redirect(url_for("admin.incident", reference=reference), 303)


@bp.post("/incidents/<reference>/decisions")
@incidents_guard
def incident_decisions(reference: str) -> ResponseReturnValue:
    """Record whether the authority and the people are told, and why."""
    incident = incident_or_404(reference)
    form = DecisionForm()
    if not form.validate():
        return render_detail(incident, 400, decision_form=form)
    service.record_decisions(incident, form.decisions(), acting_admin())
    flash("Decisions recorded.", "success")
    return redirect(url_for("admin.incident", reference=reference), 303)


@bp.post("/incidents/<reference>/notified")
@incidents_guard
def incident_notified(reference: str) -> ResponseReturnValue:
    """Record that the authority has been notified: the clock stops."""
    incident = incident_or_404(reference)
    if DecisionForm().validate_on_submit():
        try:
            service.mark_authority_notified(incident, acting_admin())
        except service.LateWithoutReasonError:
            form = DecisionForm(formdata=None, authority="notify",
                                authority_reason=incident.authority_reason,
                                people=incident.people_decision,
                                people_reason=incident.people_reason)
            form.delay_reason.errors = ["More than 72 hours have passed: record the reasons "
                                        "for the delay first (Art. 33(1))."]
            return render_detail(incident, 400, decision_form=form)
        flash("The authority's notification is recorded; the clock has stopped.", "success")
    return redirect(url_for("admin.incident", reference=reference), 303)


@bp.get("/incidents/<reference>/authority.txt")
@incidents_guard
def incident_authority_draft(reference: str) -> Response:
    """The drafted notification to the supervisory authority, as a text download."""
    incident = incident_or_404(reference)
    text = service.authority_notification(incident, current_app.config["COMPANY_NAME"])
    service.record_download(incident, acting_admin())
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="breach-{incident.reference}.txt"'})


@bp.post("/incidents/<reference>/notices")
@incidents_guard
def incident_notice(reference: str) -> ResponseReturnValue:
    """Preview a notice to the people (action=preview), then send or publish it, once
    confirmed (action=send)."""
    incident = incident_or_404(reference)
    form = NoticeForm()
    if not form.validate():
        return render_detail(incident, 400, notice_form=form)
    audience = form.audience.data
    try:
        recipients = recipients_of.pick_recipients(audience, form.accounts.data or "",
                                             form.addresses.data or "")
    except recipients_of.RecipientsError as problem:
        field = form.accounts if audience == "accounts" else form.addresses
        field.errors = [*field.errors, str(problem)]
        return render_detail(incident, 400, notice_form=form)
    if audience in notices.EMAILED and recipients.count == 0:
        form.audience.errors = [*form.audience.errors, "Nobody on this list can be told: no "
                                "account with a confirmed address. Nothing was sent."]
        return render_detail(incident, 400, notice_form=form, recipients=recipients)
    text = form.text()
    from_form = {"notice_form": form, "recipients": recipients}
    if request.form.get("action") != "send" and not confirmed():
        return render_detail(incident, 200, preview=preview(incident, text), **from_form)
    if not confirmed():
        return confirmation_page(notice_confirmation(incident, audience, text, recipients))
    if audience == "public":
        notice = notices.publish_notice(incident, text, acting_admin())
        flash(f"Public notice {notice.reference} published.", "success")
    else:
        notice = notices.send_notice(incident, audience, text, recipients, acting_admin())
        flash(f"Notice {notice.reference} is going out to {recipients.count:,} "
              f"{'person' if recipients.count == 1 else 'people'}.", "success")
    return redirect(url_for("admin.incident", reference=reference), 303)


def preview(incident: Incident, text: notices.NoticeText) -> dict[str, object]:
    """The notice's email in each language it will go out in (nothing is stored)."""
    draft = IncidentNotice(reference="BN-PREVIEW", subject=text.subject, body=text.body,
                           subject_de=text.subject_de, body_de=text.body_de,
                           subject_fr=text.subject_fr, body_fr=text.body_fr)
    return dict(notices.notice_emails(incident, draft))


def notice_confirmation(incident: Incident, audience: str, text: notices.NoticeText,
                        recipients: recipients_of.Recipients) -> Confirmation:
    """What sending (or publishing) this notice will do."""
    cancel = url_for("admin.incident", reference=incident.reference)
    quoted = {"Subject": text.subject, "Notice": text.body}
    if audience == "public":
        return Confirmation(
            title=f"Publish a public notice about {incident.reference}?",
            consequences=["Publish the notice on a public page, for anyone to read, for good.",
                          "Email nobody."],
            button="Publish the notice", cancel_url=cancel, quoted=quoted)
    people = f"{recipients.count:,} {'person' if recipients.count == 1 else 'people'}"
    languages = ["English"] + [name for code, name in (("de", "German"), ("fr", "French"))
                               if getattr(text, f"body_{code}")]
    consequences = [
        f"Email the notice to {people}, each at their confirmed address, in batches through "
        "the outbox: an email cannot be called back.",
        f"Write it in each person's language where given ({', '.join(languages)}); English "
        "otherwise.",
    ]
    if recipients.not_told:
        consequences.append(f"Tell nobody else: {len(recipients.not_told):,} listed "
                            "entr" + ("y has" if len(recipients.not_told) == 1 else "ies have")
                            + " no confirmed address and will not be told.")
    return Confirmation(title=f"Send the notice about {incident.reference} to {people}?",
                        consequences=consequences, button=f"Send to {people}",
                        cancel_url=cancel, quoted=quoted)
