"""`flask audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from website.audit.verify import verify_chain

audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the audit log's hash chain (needs the same AUDIT_KEY as the site).

    Exit status 0 when it holds; 1, naming the first broken entry, when it does not."""
    report = verify_chain()
    click.echo(report.summary())
    if not report.holds:
        raise SystemExit(1)
