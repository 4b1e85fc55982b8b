"""The support area's blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("support", __name__)
