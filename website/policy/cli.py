"""`flask policy import`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from website.policy.service import publish_version, today

policy_cli = AppGroup("policy", help="The privacy policy's published versions.")


@policy_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--effective",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Effective date, YYYY-MM-DD (default: today).",
)
@click.option("--summary", default="", help="Summary of changes shown in the version list.")
@click.option(
    "--material", is_flag=True,
    help="A material change: a notice to returning visitors and an email to every user.",
)
def import_command(
    path: Path, effective: datetime | None, summary: str, material: bool
) -> None:
    """Publish the Markdown file PATH as the next policy version."""
    try:
        markdown = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} is not UTF-8 text") from error
    if not markdown.strip():
        raise click.ClickException(f"{path} is empty")
    effective_on: date = effective.date() if effective else today()
    version = publish_version(markdown, effective_on, summary, material, actor="cli")
    click.echo(f"Published version {version.number}, effective {effective_on.isoformat()}.")
