"""The admin area: one blueprint; each page group lives in its own module of this package."""

from flask import Blueprint, render_template

from website.accounts.guards import admin_required

bp = Blueprint("admin", __name__)


@bp.get("/")
@admin_required
def dashboard() -> str:
    """The admin dashboard: each feature contributes its own tile."""
    return render_template("admin/dashboard.html")
from website.admin import consents  # noqa: E402,F401
