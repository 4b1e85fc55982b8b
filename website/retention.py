"""Retention: delete what the policy says is past its time."""

from flask.cli import AppGroup

retention_cli = AppGroup("retention", help="Data retention.")
