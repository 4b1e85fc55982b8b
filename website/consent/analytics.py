"""First-party analytics: page views, stored only with the visitor's consent. No IP address."""

from __future__ import annotations

import functools
import secrets
from typing import cast
from urllib.parse import urlsplit

from flask import request
from sqlalchemy import Insert, Table, delete, insert
from werkzeug.wrappers import Response

from website.consent import registry
from website.consent.models import PageView
from website.database import commit_without_flush_wait
from website.extensions import db


def counts_as_page_view(response: Response) -> bool:
    """Only successful GETs of HTML pages, outside the admin area."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and request.endpoint not in (None, "static")
        and not request.path.startswith("/admin")
    )


def referrer_host() -> str:
    """The referring site's host name, nothing more of the URL."""
    try:
        return (urlsplit(request.referrer or "").hostname or "")[:255]
    except ValueError:
        return ""


def record_page_view(response: Response) -> None:
    """Store one page view (path, time, visitor id, referrer host) and keep the visitor id."""
    visitor_id = request.cookies.get(registry.ANALYTICS_COOKIE, "")
    if not (16 <= len(visitor_id) <= 64 and visitor_id.replace("-", "").replace("_", "").isalnum()):
        visitor_id = secrets.token_urlsafe(18)
        registry.set_cookie(response, registry.ANALYTICS_COOKIE, visitor_id)
    # One INSERT, no ORM object, no wait for the disk: this runs on every page a consenting
    # visitor reads, and a page view is a statistic.
    commit_without_flush_wait()
    db.session.execute(page_view_insert(), {
        "path": request.path[:500], "visitor_id": visitor_id, "referrer_host": referrer_host(),
    })
    db.session.commit()


# SQL built from the code's table, which never changes while the process lives.
@functools.cache
def page_view_insert() -> Insert:
    """The page view's INSERT on the table (Core, not the ORM's bulk path), built once: each
    view only binds its values."""
    return insert(cast(Table, PageView.__table__))  # a mapped class's table is a Table


def forget_visitor(response: Response) -> None:
    """Delete this browser's page views and its visitor id: the person left analytics."""
    visitor_id = request.cookies.get(registry.ANALYTICS_COOKIE)
    if visitor_id is None:
        return
    db.session.execute(delete(PageView).where(PageView.visitor_id == visitor_id[:64]))
    db.session.commit()
    registry.delete_cookie(response, registry.ANALYTICS_COOKIE)
