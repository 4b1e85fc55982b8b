"""The operator's log during a database outage: one line when a worker sees it go away, one
when it answers again, and nothing in between for uses that were already under way."""

from __future__ import annotations

import logging
import time

import pytest

from website.outages import OutageLog


def test_a_use_begun_before_the_outage_does_not_end_it(caplog: pytest.LogCaptureFixture) -> None:
    """A CI run under load saw "answering again after 0.0 s" then a second "unavailable" line
    in one worker: a health probe begun before the cut finished after a request had failed."""
    outage = OutageLog("database")
    begun_before = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="website.outages"):
        outage.failed(OSError("the database did not answer within 3.5 s"))
        outage.answered(begun_before)
        outage.failed(OSError("the database did not answer a moment ago"))
        outage.answered(time.monotonic())
    lines = [record.getMessage() for record in caplog.records]
    assert [line.split(" (")[0] for line in lines] == ["database unavailable",
                                                       "database answering again after 0.0 s"]
    assert lines[1].endswith("(2 failures)")


def test_a_use_begun_after_the_outage_was_seen_ends_it(caplog: pytest.LogCaptureFixture) -> None:
    outage = OutageLog("database")
    with caplog.at_level(logging.WARNING, logger="website.outages"):
        outage.failed(OSError("refused"))
        outage.answered(time.monotonic())
        outage.failed(OSError("refused again"))
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "database unavailable", "database answering again after 0.0 s", "database unavailable"]
