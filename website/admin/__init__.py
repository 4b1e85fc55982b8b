"""The admin area's blueprint; its routes live in the package's view modules.

Every route declares the role it needs with `website.accounts.guards.role_required`; the rule
below refuses a route that forgot to."""

from flask import Blueprint

from website.accounts.guards import guard_admin_area

bp = Blueprint("admin", __name__)
bp.before_request(guard_admin_area)
