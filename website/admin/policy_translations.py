"""Admin: attach a translation to a published policy version (preview it, publish it once)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import bp
from website.admin.confirm import Confirmation, confirmation_page, confirmed
from website.admin.forms import TranslationForm
from website.i18n import LANGUAGES, locale_path
from website.policy.models import PolicyVersion
from website.policy.render import render_policy
from website.policy.service import get_version
from website.policy.translations import (
    TRANSLATED_LANGUAGES,
    TranslationError,
    attach_translation,
    find_translation,
)

TRANSLATION_ACTIONS = ("preview", "publish")


@bp.app_template_global()
def public_page(locale: str, endpoint: str, **values: Any) -> str:
    """A public page in `locale`, linked from a page without a language (the admin's)."""
    return locale_path(locale, url_for(endpoint, **values).removeprefix(request.script_root))


def translated_version(number: int, locale: str) -> PolicyVersion:
    """The published version to translate, or a 404 that says what is missing."""
    if locale not in TRANSLATED_LANGUAGES:
        abort(404, f"There are no translations into {locale!r}: the site publishes "
                   f"{', '.join(TRANSLATED_LANGUAGES)}.")
    return get_version(number) or abort(404, f"There is no published version {number}.")


def translation_page(version: PolicyVersion, locale: str, form: TranslationForm,
                     status: int = 200, **extra: object) -> tuple[str, int]:
    """The translation editor, or the attached translation when there is one."""
    page = render_template(
        "admin/policy_translation.html", version=version, locale=locale,
        language=LANGUAGES[locale], form=form,
        existing=find_translation(version.id, locale), **extra,
    )
    return page, status


@bp.get("/policy/translations/<int:number>/<locale>")
@role_required(Role.POLICY_EDITOR)
def translation(number: int, locale: str) -> ResponseReturnValue:
    """The form to translate a published version (or the translation already attached)."""
    version = translated_version(number, locale)
    return translation_page(version, locale, TranslationForm(formdata=None))


@bp.post("/policy/translations/<int:number>/<locale>")
@role_required(Role.POLICY_EDITOR)
def add_translation(number: int, locale: str) -> ResponseReturnValue:
    """Preview the translation, or publish it once confirmed (field `action`)."""
    version = translated_version(number, locale)
    action = request.form.get("action", "preview")
    if action not in TRANSLATION_ACTIONS:
        abort(400, "Choose preview or publish.")
    form = TranslationForm()
    if not form.validate():
        return translation_page(version, locale, form, 400)
    if action == "preview":
        return translation_page(version, locale, form, preview=render_policy(form.text))
    if not confirmed(recent_auth=True):
        return confirmation_page(publish_confirmation(version, locale))
    try:
        attach_translation(number, locale, form.text, form.summary.data or "",
                           actor_id=current_user.id, actor=current_user.email)
    except TranslationError as error:
        form.markdown.errors = [*form.markdown.errors, str(error)]
        return translation_page(version, locale, form, 400)
    flash(f"The {LANGUAGES[locale]} translation of version {number} is published.", "success")
    return redirect(url_for("admin.policy"), 303)


def publish_confirmation(version: PolicyVersion, locale: str) -> Confirmation:
    """What publishing the translation will do."""
    language = LANGUAGES[locale]
    return Confirmation(
        title=f"Publish the {language} translation of version {version.number}?",
        consequences=[
            f"Show it to {language} readers at /{locale}/privacy/versions/{version.number} (and at "
            f"/{locale}/privacy while version {version.number} is in force), marked as a "
            "translation where the English version prevails.",
            "Make it public for good: a published translation never changes; a correction comes "
            "with a new version.",
            "Email nobody.",
        ],
        button=f"Publish the {language} translation",
        cancel_url=url_for("admin.translation", number=version.number, locale=locale),
        quoted={"Summary of changes, translated": (request.form.get("summary") or "").strip()},
    )
