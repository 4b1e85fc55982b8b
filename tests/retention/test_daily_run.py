"""The site runs the purge itself, at most once a day, one runner across workers and hosts."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select

from tests.fixtures.app import make_app
from website.audit import AuditEntry
from website.consent.models import PageView
from website.extensions import db, utcnow
from website.jobs import runner_of, start_jobs
from website.scheduled import CHECK_SECONDS, ScheduledRun, claim


def old_page_view(app) -> None:
    """A page view older than the 2-year period."""
    with app.app_context():
        db.session.add(PageView(path="/old", visitor_id="v", created_at=utcnow()
                                - timedelta(days=800)))
        db.session.commit()


def wait_for_run(app, timeout: float = 10.0) -> ScheduledRun:
    """The retention row once a run has finished (the run is in a background thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            run = db.session.get(ScheduledRun, "retention")
            if run is not None and run.last_finished_at is not None:
                db.session.expunge(run)
                return run
        time.sleep(0.05)
    raise AssertionError("the daily purge did not run")


def test_the_site_runs_the_daily_purge_by_itself_without_any_request(app):
    site = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RETENTION_AUTORUN=True,
                    JOBS_ENABLED=True)
    old_page_view(site)
    assert start_jobs(site)  # what a gunicorn worker does when it boots (deploy/gunicorn.conf.py)
    try:
        run = wait_for_run(site)
    finally:
        runner_of(site).stop()
    assert run.last_counts["page_views"] == 1 and run.lease_until is None
    with site.app_context():
        assert db.session.scalars(select(PageView)).all() == []
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention.purge")).all()
        assert [e.actor for e in entries] == ["site (daily)"]
        # Another worker's runner asks again only after CHECK_SECONDS; and then it is not due.
        assert claim("retention") is False
        db.engine.dispose()
    assert CHECK_SECONDS >= 60


def test_off_by_configuration(app, client):
    app.config["JOBS_ENABLED"] = True  # the runner runs; the purge is switched off
    old_page_view(app)
    client.get("/privacy").close()
    time.sleep(0.2)
    with app.app_context():
        assert db.session.get(ScheduledRun, "retention") is None
        assert len(db.session.scalars(select(PageView)).all()) == 1


def test_at_most_once_a_day(app):
    with app.app_context():
        now = utcnow()
        assert claim("retention", now) is True
        # The lease is held, and a day has not passed.
        assert claim("retention", now + timedelta(minutes=5)) is False
        # A runner that died: its lease ran out, but the day has not passed either.
        assert claim("retention", now + timedelta(hours=2)) is False
        assert claim("retention", now + timedelta(days=1, minutes=1)) is True


def test_one_runner_among_workers_racing_for_the_lease(app):
    winners: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            winners.append(claim("retention"))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(winners) == [False] * 5 + [True]


def test_dashboard_shows_the_last_run_and_its_counts(app, client, auth):
    auth.login(admin=True)
    assert "has not run yet" in client.get("/admin/").get_data(as_text=True)
    site = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RETENTION_AUTORUN=True,
                    JOBS_ENABLED=True)
    old_page_view(site)
    site.test_client().get("/").close()  # a worker without the server hook starts it here
    try:
        wait_for_run(site)
    finally:
        runner_of(site).stop()
    with site.app_context():
        db.engine.dispose()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Last run: started" in page
    assert "page views: 1" in page
    assert "audit log: 0" in page


def test_a_failed_run_is_shown_on_the_dashboard_and_releases_the_lease(app, client, auth):
    from website.scheduled import run_if_due

    def broken() -> dict[str, int]:
        raise RuntimeError("disk full\nSQL: DELETE ... parameters: secret")

    with app.app_context():
        assert run_if_due("retention", broken) is None
        run = db.session.get(ScheduledRun, "retention")
        assert run.lease_until is None and run.last_error == "RuntimeError: disk full"
    auth.login(admin=True)
    page = client.get("/admin/").get_data(as_text=True)
    assert "It failed: RuntimeError: disk full" in page
    assert "secret" not in page
