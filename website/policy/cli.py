"""`flask policy import`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from website.policy.service import publish_version, today
from website.policy.translations import TRANSLATED_LANGUAGES, TranslationError, attach_translation

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
@click.option(
    "--lang", type=click.Choice(TRANSLATED_LANGUAGES),
    help="Attach PATH as the translation into this language of the version given by --version "
         "(the English text prevails; --summary is the translation's own summary).",
)
@click.option(
    "--version", "version_number", type=click.IntRange(min=1),
    help="With --lang: the published version PATH translates.",
)
def import_command(
    path: Path, effective: datetime | None, summary: str, material: bool,
    lang: str | None, version_number: int | None,
) -> None:
    """Publish the Markdown file PATH as the next policy version, or with --lang and --version
    attach it to a published version as its translation."""
    try:
        markdown = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} is not UTF-8 text") from error
    if not markdown.strip():
        raise click.ClickException(f"{path} is empty")
    if lang or version_number:
        import_translation(markdown, lang, version_number, summary, effective, material)
        return
    effective_on: date = effective.date() if effective else today()
    version = publish_version(markdown, effective_on, summary, material, actor="cli")
    click.echo(f"Published version {version.number}, effective {effective_on.isoformat()}.")


def import_translation(
    markdown: str, lang: str | None, number: int | None, summary: str,
    effective: datetime | None, material: bool,
) -> None:
    """Attach a translation (the translation keeps its version's date and materiality)."""
    if not lang or not number:
        raise click.UsageError("A translation needs both --lang and --version, e.g. "
                               "--lang de --version 1.")
    if effective or material:
        raise click.UsageError("--effective and --material belong to the English version; "
                               "a translation takes its version's.")
    try:
        attach_translation(number, lang, markdown, summary, actor="cli")
    except TranslationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Attached the {lang} translation of version {number}.")
