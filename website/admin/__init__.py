"""The admin area's blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
