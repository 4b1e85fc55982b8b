"""The baseline: the smallest Flask app, served the same way as the site."""

from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello() -> str:
    """Hello, world."""
    return "Hello, world!"
