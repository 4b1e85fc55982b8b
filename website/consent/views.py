"""The cookie page, its JSON twin, and the consent form's target."""

from flask import Blueprint

bp = Blueprint("consent", __name__)
