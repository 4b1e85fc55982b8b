"""The public list of sub-processors (Art. 28(2)): its page and feed, subscriptions, objections."""

from flask import Blueprint

bp = Blueprint("subprocessors", __name__)
