"""Route guards: the role each admin page needs, declared on the view, checked in one place."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from website.accounts.roles import Role
from website.extensions import login

# The attribute a view carries once `role_required` has declared who may open it.
REQUIRED_ROLES = "required_roles"
# Pages an admin without a second factor may still open in production (to enrol one).
ENROLMENT_ENDPOINTS = frozenset({"admin.mfa_page", "admin.mfa_enrol"})


def role_required(
    *roles: Role | frozenset[Role],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare who may open the view: an account holding any one of `roles` (ANY_ROLE: every
    admin).

    Anonymous visitors go to /login; accounts without one of the roles get 403. Every route of
    the admin blueprint must carry this (`guard_admin_area` refuses one that does not)."""
    if not roles:
        raise ValueError("role_required needs at least one role (ANY_ROLE for every admin).")
    needed = frozenset(
        role for given in roles for role in ((given,) if isinstance(given, Role) else given)
    )

    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login.unauthorized()
            if not current_user.has_role(*needed):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, REQUIRED_ROLES, needed)
        return wrapped

    return declare


def declared_roles(endpoint: str | None) -> frozenset[Role] | None:
    """The roles the endpoint's view declared, or None when it declared none."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, REQUIRED_ROLES, None)


def guard_admin_area() -> ResponseReturnValue | None:
    """Before every admin route: refuse one that declares no role; in production, send an
    admin without a second factor to /admin/mfa before any other admin page."""
    if request.endpoint is None:
        return None  # a 404 or 405 of the blueprint: nothing to guard
    if declared_roles(request.endpoint) is None:
        abort(403)  # a route someone forgot to declare: closed, not open
    if not current_user.is_authenticated or not current_user.is_admin:
        return None  # the view's own check answers (login or 403)
    must_enrol = current_app.config["MFA_REQUIRED_FOR_ADMINS"]
    if must_enrol and not current_user.has_second_factor:
        if request.endpoint not in ENROLMENT_ENDPOINTS:
            return redirect(url_for("admin.mfa_page"), 303)
    return None
