"""The consent area's blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("consent", __name__)
