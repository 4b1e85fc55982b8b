"""Cookie consent: the visitor's choice, its proof, and what it switches on."""

from flask import Flask


def register_consent(app: Flask) -> None:
    """Install the consent hooks (banner state for templates, analytics gate)."""
