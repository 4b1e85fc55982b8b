"""Data-rights requests."""

from flask import Blueprint

bp = Blueprint("rights", __name__)
