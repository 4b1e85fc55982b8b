"""Personal-data breaches: the register (Art. 33) and the notices to the people (Art. 34)."""

from flask import Blueprint

bp = Blueprint("incidents", __name__)
