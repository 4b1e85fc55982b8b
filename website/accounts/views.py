"""Register, log in, log out, reset a password, and the user's own account."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
