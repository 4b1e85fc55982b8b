"""The public policy pages: current version, every version, its Markdown, and diffs."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from website.i18n import gettext as _
from website.i18n import page_locale
from website.policy import bp, service, translations
from website.policy.diff import compare, diff_page_html
from website.policy.models import PolicyVersion
from website.policy.translations import Reading


def version_or_404(number: int) -> PolicyVersion:
    """The published version, or a 404 page."""
    version = service.published_version(number)
    if version is None:
        abort(404)
    return version


@bp.get("/privacy")
def current() -> ResponseReturnValue:
    """The policy in force today."""
    ref = service.current_version_ref()
    version = service.published_version(ref.number) if ref else None
    if version is None:
        abort(503)
    return version_page(version, version, service.upcoming_versions())


@bp.get("/privacy/versions")
def versions() -> str:
    """Every published version, with upcoming ones marked."""
    return render_template(
        "policy/versions.html",
        versions=service.published_versions(),
        current=service.current_version_ref(),
        summaries=translations.translated_summaries(page_locale()),
    )


@bp.get("/privacy/versions/<int:number>")
def version(number: int) -> ResponseReturnValue:
    """One version; marked clearly when it is not the one in force."""
    version = version_or_404(number)
    return version_page(version, service.current_version_ref())


def version_page(
    version: PolicyVersion, current: service.VersionRef | PolicyVersion | None,
    upcoming: list[service.UpcomingVersion] | None = None,
) -> str:
    """A version in the page's language (its translation, or the English with a notice), with
    the versions about to take effect when it is the policy in force."""
    reading = translations.reading(version, page_locale())
    return render_template("policy/version.html", version=version, reading=reading,
                           current=current, upcoming=upcoming or [])


@bp.get("/privacy/versions/<int:number>.md")
def version_markdown(number: int) -> ResponseReturnValue:
    """The version's Markdown source: in a language's folder its translation, when there is
    one (Content-Language says which text it is)."""
    reading = translations.reading(version_or_404(number), page_locale())
    response = Response(reading.text.markdown, content_type="text/markdown; charset=utf-8")
    response.headers["Content-Language"] = reading.language
    return response


def latest_change(versions: list[PolicyVersion]) -> list[str]:
    """The newest published version and the one before it (the only one, twice), as numbers."""
    numbers = [str(v.number) for v in versions[:2]]
    return [numbers[-1], numbers[0]] if numbers else ["", ""]


@bp.get("/privacy/diff")
def diff() -> str:
    """What changed from version A to version B: changed sections by default (view=all: all);
    without either number, the latest change (the newest version against the one before).

    In a language's folder: between the two translations when both versions have one, else
    between the English texts (the page says so)."""
    numbers = [request.args.get(key, "") for key in ("from", "to")]
    if "from" not in request.args and "to" not in request.args:
        numbers = latest_change(service.published_versions())
    if not all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers):
        abort(400, _("Give two version numbers, for example /privacy/diff?from=1&to=2."))
    old, new = (translations.reading(version_or_404(int(n)), page_locale()) for n in numbers)
    if old.untranslated or new.untranslated:
        old, new = (Reading(r.version, None, r.locale) for r in (old, new))
    whole = request.args.get("view") == "all"
    return render_template(
        "policy/diff.html", old=old.version, new=new.version, whole=whole,
        language=old.language, untranslated=old.untranslated,
        summary=new.text.summary,
        comparison=compare(old.text.markdown, new.text.markdown),
        diff=diff_page_html(old.text.markdown, new.text.markdown, not whole),
        versions=service.published_versions(),
    )

