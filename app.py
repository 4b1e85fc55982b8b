"""WSGI entry point: `gunicorn app:app`."""

from website import create_app

app = create_app()
