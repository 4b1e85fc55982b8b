"""The public policy pages: current version, every version, its Markdown, and diffs."""

from __future__ import annotations

from flask import Response, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from website.policy import bp, service
from website.policy.diff import compare, diff_page_html
from website.policy.models import PolicyVersion


def conditional(response: Response, version: PolicyVersion) -> BaseResponse:
    """ETag over the page as sent and Last-Modified from publication; answer 304 when fresh.

    Cache-Control and Vary come from website/pagecache.py (public only without cookies)."""
    response.last_modified = version.published_at
    response.add_etag()
    return response.make_conditional(request)


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
    html = render_template("policy/version.html", version=version, current=version)
    return conditional(make_response(html), version)


@bp.get("/privacy/versions")
def versions() -> str:
    """Every published version, with upcoming ones marked."""
    return render_template(
        "policy/versions.html",
        versions=service.published_versions(),
        current=service.current_version_ref(),
    )


@bp.get("/privacy/versions/<int:number>")
def version(number: int) -> ResponseReturnValue:
    """One version; marked clearly when it is not the one in force."""
    version = version_or_404(number)
    current = service.current_version_ref()
    html = render_template("policy/version.html", version=version, current=current)
    return conditional(make_response(html), version)


@bp.get("/privacy/versions/<int:number>.md")
def version_markdown(number: int) -> ResponseReturnValue:
    """The version's Markdown source."""
    version = version_or_404(number)
    response = Response(version.markdown, content_type="text/markdown; charset=utf-8")
    return conditional(response, version)


@bp.get("/privacy/diff")
def diff() -> str:
    """What changed from version A to version B: changed sections by default (view=all: all)."""
    numbers = [request.args.get(key, "") for key in ("from", "to")]
    if not all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers):
        abort(400, "Give two version numbers, for example /privacy/diff?from=1&to=2.")
    old, new = (version_or_404(int(n)) for n in numbers)
    whole = request.args.get("view") == "all"
    return render_template(
        "policy/diff.html", old=old, new=new, whole=whole,
        comparison=compare(old.markdown, new.markdown),
        diff=diff_page_html(old.markdown, new.markdown, not whole),
        versions=service.published_versions(),
    )

