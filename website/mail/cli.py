"""`flask outbox send`."""

import click
from flask.cli import AppGroup

from website.mail.service import deliver_outbox, queued_count

outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=1000, show_default=True, help="At most this many emails.")
def send_command(limit: int) -> None:
    """Deliver queued email; what fails stays queued with its attempt count.

    Run it from cron (every minute or five) to catch anything the after-request
    delivery missed, such as mail that failed while the SMTP server was down.
    """
    sent, failed = deliver_outbox(limit=limit)
    click.echo(f"sent {sent}, failed {failed}, still queued {queued_count()}")
