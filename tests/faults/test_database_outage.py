"""PostgreSQL goes away in the middle of traffic: 503 pages without a trace, nothing accepted
is lost, and the site recovers by itself when the database is back.

It uses a PostgreSQL database of its own (in the SQLite suite run too): only a server database
can be taken away from under a running site like this."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.faults.conftest import (
    LEAKS,
    Browser,
    Traffic,
    confirmation_subject,
    new_marker,
    stored_support,
    support_form,
    table_row,
)
from tests.fixtures.app import make_app
from tests.fixtures.database import POSTGRES_ADMIN_URL
from tests.fixtures.services import free_port
from tests.outage import cut_connections
from website.extensions import db


@pytest.mark.postgres
def test_database_cut_mid_traffic_gives_503_loses_nothing_and_recovers(site_database, caplog):
    name, admin = site_database  # migrated, with policy version 1
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    app = make_app(url)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    traffic = Traffic(base_url)
    try:
        assert Browser(base_url).open("/healthz").status == 200  # this worker saw it answer
        # Alembic's logging set-up (a migration run in this test) takes the root logger's
        # handlers; pytest puts its own back for each phase.
        if caplog.handler not in logging.getLogger().handlers:
            logging.getLogger("website").addHandler(caplog.handler)
        caplog.clear()
        for thread in traffic.threads:
            thread.start()
        traffic.wait_for(303, more_than=10)

        cut_connections(admin, name, allow=False)
        traffic.wait_for(503, more_than=3)
        visitor = Browser(base_url)
        for path in ("/privacy", "/privacy/versions", "/healthz"):
            answer = visitor.open(path)
            assert answer.status == 503, path
            assert not any(word in answer.body for word in LEAKS), answer.body
        refused = visitor.open("/support", support_form(new_marker()))
        assert refused.status == 503
        assert "Temporarily unavailable" in refused.body
        assert "try again" in refused.body and "</html>" in refused.body
        accepted_before_return = traffic.count(303)

        cut_connections(admin, name, allow=True)
        healed = time.monotonic()
        assert visitor.open("/healthz").status == 200
        recovery = time.monotonic() - healed
        assert "Version 1" in visitor.open("/privacy").body
        traffic.wait_for(303, more_than=accepted_before_return + 10)
    finally:
        traffic.stop.set()
        for thread in traffic.threads:
            thread.join(20)
        server.shutdown()
        logging.getLogger("website").removeHandler(caplog.handler)
        with app.app_context():
            db.engine.dispose()

    # The log says it once when the database went away and once when it was back: no
    # traceback per request (790 lines for a ten-second outage before).
    lines = [r for r in caplog.records if r.name.startswith("website")]
    assert not any(r.exc_info for r in lines), [r.getMessage() for r in lines]
    assert [r.getMessage().split(" (")[0] for r in lines if "database" in r.getMessage()][:1] == [
        "database unavailable"]
    assert sum("database unavailable" in r.getMessage() for r in lines) == 1
    assert any("database answering again" in r.getMessage() for r in lines)
    assert set(traffic.statuses) <= {303, 503}, dict(traffic.statuses)
    assert traffic.leaks == []
    rows, mails = stored_support(url)
    # Every accepted request is there exactly once, with its confirmation email.
    for marker, reference in traffic.accepted.items():
        assert rows.get(marker) == [reference], marker
        assert mails[confirmation_subject(reference)] == 1, reference
    # A request refused with a 503 may have been committed just before the connection was cut
    # (the answer was lost, not the row); nothing is stored that nobody sent.
    assert set(rows) <= traffic.attempted
    assert all(len(references) == 1 for references in rows.values())
    assert sum(mails.values()) == len(rows)
    table_row("PostgreSQL refuses connections (in-process server)",
              f"{traffic.count(303)} ok, {traffic.count(503)} 503, 0 hung",
              f"0 lost, 0 duplicated ({len(rows)} stored)",
              f"0 lost, 0 duplicated ({sum(mails.values())} queued)", f"{recovery:.1f} s")
