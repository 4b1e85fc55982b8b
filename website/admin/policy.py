"""Admin: policy versions and drafts (write, preview, diff, publish, discard)."""

from __future__ import annotations

from babel import Locale
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import acting_admin, bp
from website.admin.confirm import Confirmation, confirmation_page, confirmed
from website.admin.forms import DRAFT_ACTIONS, DraftForm, parse_iso_date
from website.policy import drafts
from website.policy.models import PolicyDraft
from website.policy.service import current_version, published_versions, today
from website.policy.translations import TRANSLATED_LANGUAGES, translated_languages


def editor(
    form: DraftForm, draft: PolicyDraft | None, status: int = 200, **extra: object
) -> tuple[str, int]:
    """The draft editor page (new draft when `draft` is None)."""
    if draft is not None:  # the preview and the diff stay on the draft's page
        extra.setdefault("preview", drafts.preview(form.markdown.data or ""))
    effective_on = parse_iso_date((form.effective.data or "").strip())
    page = render_template(
        "admin/policy_draft.html", form=form, draft=draft, current=current_version(),
        date_conflict=drafts.effective_date_conflict(form.markdown.data or "", effective_on),
        **extra,
    )
    return page, status


@bp.get("/policy")
@role_required(Role.POLICY_EDITOR)
def policy() -> str:
    """Every published version and every draft."""
    return render_template(
        "admin/policy.html",
        versions=published_versions(),
        drafts=drafts.list_drafts(),
        current=current_version(),
        translated=translated_languages(),
        languages=TRANSLATED_LANGUAGES,
    )


@bp.get("/policy/drafts/new")
@role_required(Role.POLICY_EDITOR)
def new_draft() -> ResponseReturnValue:
    """A new draft's editor, starting from the Markdown of the version in force."""
    form = DraftForm(formdata=None, markdown=drafts.starting_markdown())
    return editor(form, None)


@bp.post("/policy/drafts")
@role_required(Role.POLICY_EDITOR)
def create_draft() -> ResponseReturnValue:
    """Create a draft from the posted fields; 303 to its page."""
    form = DraftForm()
    if not form.validate():
        return editor(form, None, 400)
    draft = drafts.create_draft(form.fields(), acting_admin())
    flash("Draft created.", "success")
    return redirect(url_for("admin.draft", draft_id=draft.id), 303)


@bp.get("/policy/drafts/<int:draft_id>")
@role_required(Role.POLICY_EDITOR)
def draft(draft_id: int) -> ResponseReturnValue:
    """One draft in the editor."""
    draft = drafts.get_draft(draft_id) or abort(404, "There is no such draft.")
    form = DraftForm(
        formdata=None,
        markdown=draft.markdown,
        summary=draft.summary,
        effective=draft.effective_on.isoformat() if draft.effective_on else "",
        material=draft.material,
    )
    return editor(form, draft)


@bp.post("/policy/drafts/<int:draft_id>")
@role_required(Role.POLICY_EDITOR)
def update_draft(draft_id: int) -> ResponseReturnValue:
    """Save, preview, publish or discard a draft (field `action`)."""
    draft = drafts.get_draft(draft_id) or abort(
        404, "There is no such draft: it was published or discarded."
    )
    action = request.form.get("action", "save")
    if action not in DRAFT_ACTIONS:
        abort(400, "Choose save, preview, publish or discard.")
    form = DraftForm()
    if action == "discard":
        if not confirmed():
            return confirmation_page(discard_confirmation(draft))
        drafts.discard_draft(draft, acting_admin())
        flash("Draft discarded.", "success")
        return redirect(url_for("admin.policy"), 303)
    if action == "publish":
        return publish(form, draft)
    if not form.validate():
        return editor(form, draft, 400)
    drafts.save_draft(draft, form.fields(), acting_admin())
    if action == "preview":
        return editor(form, draft)  # the preview and the diff are on the draft's page anyway
    flash("Draft saved.", "success")
    return redirect(url_for("admin.draft", draft_id=draft.id), 303)


def publish(form: DraftForm, draft: PolicyDraft) -> ResponseReturnValue:
    """Publish the draft as typed, once confirmed; 303 to the version list."""
    if not form.validate_for_publish():
        return editor(form, draft, 400)
    if not confirmed(recent_auth=True):
        return confirmation_page(publish_confirmation(draft, drafts.publish_plan(form.fields())))
    try:
        version = drafts.publish_draft(draft.id, form.fields(), acting_admin())
    except drafts.DraftGoneError:
        abort(404, "This draft was published or discarded meanwhile: nothing was published.")
    note = " Registered users will be emailed." if version.material else ""
    flash(
        f"Version {version.number} published, effective {version.effective_on.isoformat()}."
        + note,
        "success",
    )
    return redirect(url_for("admin.policy"), 303)


def publish_confirmation(draft: PolicyDraft, plan: drafts.PublishPlan) -> Confirmation:
    """What publishing this draft will do, in the admin's words."""
    when = plan.effective_on.strftime("%-d %B %Y")
    starts = "at once" if plan.effective_on <= today() else f"on {when}"
    consequences = [
        f"Publish draft {draft.id} as version {plan.number}, in force {starts} "
        f"(effective {when}).",
        "Make it public for good: a published version never changes; a correction is a new "
        "version.",
    ]
    if plan.material:
        consequences.append(
            f"Email {plan.recipients:,} registered user{'' if plan.recipients == 1 else 's'} "
            "about the change, and show returning visitors a notice linking the changes."
        )
        button = f"Publish version {plan.number} and email {plan.recipients:,} users"
    else:
        consequences.append("Email nobody: the change is not marked material.")
        button = f"Publish version {plan.number}"
    untranslated = [Locale.parse(code).get_display_name("en") or code
                    for code in TRANSLATED_LANGUAGES]
    consequences.append(
        f"{' and '.join(untranslated)} readers will see this version in English, with a note, "
        "until a translation is attached on the policy page.")
    conflict = drafts.effective_date_conflict(request.form.get("markdown") or "",
                                              plan.effective_on)
    if conflict:
        consequences.append(conflict)
    return Confirmation(
        title=f"Publish version {plan.number}?",
        consequences=consequences,
        button=button,
        cancel_url=url_for("admin.draft", draft_id=draft.id),
        quoted={"Summary of changes": (request.form.get("summary") or "").strip()},
    )


def discard_confirmation(draft: PolicyDraft) -> Confirmation:
    """What discarding this draft will do."""
    saved = draft.updated_at.strftime("%-d %B %Y %H:%M")
    return Confirmation(
        title=f"Discard draft {draft.id}?",
        consequences=[
            f"Delete draft {draft.id} (last saved {saved} UTC) for good: its text cannot be "
            "recovered.",
            "Publish nothing and email nobody.",
        ],
        button=f"Discard draft {draft.id}",
        cancel_url=url_for("admin.draft", draft_id=draft.id),
    )
