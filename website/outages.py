"""One log line when a service the site needs goes away, and one when it is back, per worker.

Every request during an outage fails the same way; a traceback each (790 in one ten-second
outage) buries the one line an operator needs. The first failure is logged with its cause, then
at most one reminder a minute with the count, then one line when it answers again."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

REMIND_SECONDS = 60.0


class OutageLog:
    """The state of one service as this worker saw it last: answering, or down since when."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.failures = 0
        self.reminded_at = 0.0

    def failed(self, error: BaseException) -> None:
        """A use of the service failed: log it if it is the first (or a minute has passed)."""
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            if self.down_since is None:
                self.down_since = self.reminded_at = now
                log.warning("%s unavailable (%s: %s); answering 503 until it is back",
                            self.service, type(error).__name__, first_line(error))
            elif now - self.reminded_at >= REMIND_SECONDS:
                self.reminded_at = now
                log.warning("%s still unavailable after %.0f s (%d failures)",
                            self.service, now - self.down_since, self.failures)

    def answered(self, started: float) -> None:
        """A use of the service that began at `started` (monotonic time) succeeded: log the
        recovery if it was down. A use that began before the outage was first seen (a query
        already under way in another thread) says nothing about the service now."""
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None or started < self.down_since:
                return
            log.warning("%s answering again after %.1f s (%d failures)",
                        self.service, time.monotonic() - self.down_since, self.failures)
            self.down_since, self.failures = None, 0


def first_line(error: BaseException) -> str:
    """The error's first line: a database error's full text carries its SQL and parameters."""
    return str(error).split("\n", 1)[0][:200]


database = OutageLog("database")
