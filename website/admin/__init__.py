"""The admin area's blueprint; its routes live in the package's view modules.

Every route declares the role it needs with `website.accounts.guards.role_required`; the rule
below refuses a route that forgot to."""

from typing import TypeVar

from flask import Blueprint, abort
from flask_login import current_user

from website.accounts.guards import guard_admin_area
from website.audit import Actor

bp = Blueprint("admin", __name__)
bp.before_request(guard_admin_area)


Found = TypeVar("Found")


def or_404(found: Found | None, message: str) -> Found:
    """What was looked up, or a 404 page saying what is not there."""
    if found is None:
        abort(404, message)
    return found


def acting_admin() -> Actor:
    """The logged-in admin, as the audit log names them."""
    return Actor(id=current_user.id, email=current_user.email)
