"""Admin test helpers."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def login_page(app: Flask) -> None:
    """The admin guard sends anonymous visitors to accounts.login: a stand-in until it exists."""
    if "accounts.login" not in app.view_functions:
        app.add_url_rule("/login", "accounts.login", lambda: "Log in")
