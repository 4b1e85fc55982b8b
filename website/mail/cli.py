"""`flask outbox send`."""

import click
from flask.cli import AppGroup

from website.mail.service import deliver_outbox, queued_count

outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=1000, show_default=True, help="At most this many emails.")
def send_command(limit: int) -> None:
    """Deliver queued email; what fails stays queued with its attempt count.

    The site delivers by itself (the job runner in each worker: at once after the request
    that queued mail, retries on a timer); this is for operators, e.g. after a long
    relay outage, or on a host where JOBS_ENABLED is false.
    """
    sent, failed = deliver_outbox(limit=limit)
    click.echo(f"sent {sent}, failed {failed}, still queued {queued_count()}")
