"""The pages area's blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
