"""What this worker remembers of what is published: one generation, checked once, forgotten in
one call.

Everything a worker keeps because of what is published (the stored public pages of
website/pagecache.py, the version in force, published versions, translations, the material
notice) lives in one `PublishedMemory`. The published state (`published_state`: the day, the
versions and translations and when they last changed) is read at most every
POLICY_CACHE_SECONDS; when it differs from the state the memory was filled under, everything is
forgotten at once and a new generation begins. A value is kept only if its generation was still
current when it was computed in full, so nothing read before a publication survives the check
that sees it. A publication in this worker calls `forget()`: the next request reads the state.

So a publication anywhere reaches every worker within POLICY_CACHE_SECONDS, and stays reached.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any, TypeVar

from cachetools import LRUCache
from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from website.config import ROOT
from website.extensions import db, utcnow
from website.policy.models import PolicyTranslation, PolicyVersion

T = TypeVar("T")
MEMORY = "website.published_memory"  # app.extensions key
MAX_BYTES = 32 * 1024 * 1024  # per worker; the least recently used values go first
NOMINAL_BYTES = 16 * 1024  # what a remembered value counts for unless its size is given
MISSING = object()
SITE_FILES = {".py", ".html", ".txt", ".xml", ".json", ".mo"}  # what a page is made of


def today() -> date:
    """Today's date in UTC: effective dates are calendar days."""
    return utcnow().date()


@dataclass(frozen=True)
class PublishedState:
    """What every public page may depend on besides the code: the day, and the versions and
    translations published, with the time of the newest (naive UTC)."""

    day: date
    versions: int
    latest: int | None
    translations: int
    changed_at: datetime | None

    def last_modified(self) -> datetime:
        """When what a public page shows last changed (its Last-Modified, aware UTC): the newest
        publication or translation (an upcoming version counts from its publication), the
        start of the day (a version takes effect, a notice ends, at midnight) or the code and
        templates this worker runs, whichever came last; never later than now."""
        moments = [datetime.combine(self.day, clock_time()), site_changed_at()]
        if self.changed_at is not None:
            # HTTP dates have whole seconds: a change at 10:00:00.8 is 10:00:01, so that a
            # client holding "10:00:00" does not get 304 for it.
            moments.append(self.changed_at.replace(microsecond=0)
                           + timedelta(seconds=math.ceil(self.changed_at.microsecond / 1e6)))
        return min(max(moments), utcnow()).replace(tzinfo=UTC)


def published_state() -> PublishedState:
    """The published state now (two small queries)."""
    versions, latest, newest = db.session.execute(
        select(func.count(), func.max(PolicyVersion.number), func.max(PolicyVersion.published_at))
    ).one()
    translations, translated = db.session.execute(
        select(func.count(), func.max(PolicyTranslation.published_at))
    ).one()
    changes = [moment for moment in (newest, translated) if moment is not None]
    return PublishedState(today(), versions, latest, translations or 0,
                          max(changes) if changes else None)


@functools.cache
def site_changed_at() -> datetime:
    """The newest modification time of the code, templates, catalogues and static manifest
    this worker loaded (naive UTC): a deployment changes pages too."""
    folders = [ROOT / "website", ROOT / "templates"]
    files = [path for folder in folders for path in folder.rglob("*")
             if path.suffix in SITE_FILES and "__pycache__" not in path.parts]
    files += [path for path in [ROOT / "static" / "cache_manifest.json"] if path.exists()]
    newest = max((path.stat().st_mtime for path in files), default=0.0)
    return datetime.fromtimestamp(newest, UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Kept:
    """A remembered value and what it counts for against MAX_BYTES."""

    value: Any
    size: int


class PublishedMemory:
    """This worker's memory of what is published: values keyed by anything hashable, all
    forgotten together when the published state changes."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.values: LRUCache[Hashable, Kept] = LRUCache(MAX_BYTES, getsizeof=lambda k: k.size)
        self.state: PublishedState | None = None
        self.generation = 0
        self.checked_until = 0.0  # monotonic time of the next look at the published state
        self.read_since = 0.0  # when the state in `state` began to be read

    def current(self) -> int:
        """The generation in force; reads the published state first when POLICY_CACHE_SECONDS
        have passed since the last look (raises if the database does not answer)."""
        started = time.monotonic()
        if started < self.checked_until:
            return self.generation
        try:
            with self.app.app_context():  # a session of its own, closed right after
                state = published_state()
        except Exception:
            self.forget()  # the database is away: nothing is answered from memory
            raise
        with self.lock:
            if started > self.read_since:  # a slower, older read never undoes a newer one
                if state != self.state:
                    self.start_generation()
                    self.state = state
                self.read_since = started
                self.checked_until = started + self.app.config["POLICY_CACHE_SECONDS"]
            return self.generation

    def start_generation(self) -> None:
        """Forget every value (the lock held)."""
        self.values.clear()
        self.generation += 1

    def forget(self) -> None:
        """Forget everything now and read the published state at the next request (a read
        that began before this call is not taken)."""
        with self.lock:
            self.start_generation()
            self.state = None
            self.checked_until = 0.0
            self.read_since = time.monotonic()

    def recall(self, key: Hashable) -> Any:
        """The value kept for `key` in the current generation, or MISSING (no state check)."""
        with self.lock:
            kept = self.values.get(key)
        return MISSING if kept is None else kept.value

    def keep(self, key: Hashable, value: Any, generation: int, size: int = NOMINAL_BYTES) -> None:
        """Keep a value computed in `generation`, unless another has begun since."""
        if size > MAX_BYTES:
            return
        with self.lock:
            if generation == self.generation:
                self.values[key] = Kept(value, size)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of `key` in the current generation, computed and kept if not known."""
        generation = self.current()
        value = self.recall(key)
        if value is MISSING:
            value = compute()
            self.keep(key, value, generation)
        return value  # what compute() returned for this key, now or earlier

    def last_modified(self) -> datetime | None:
        """The current state's Last-Modified, or None when the state cannot be read."""
        try:
            self.current()
        except SQLAlchemyError:
            return None
        state = self.state
        return state.last_modified() if state is not None else None


def register_published_memory(app: Flask) -> PublishedMemory:
    """One memory per app (per worker)."""
    memory = app.extensions[MEMORY] = PublishedMemory(app)
    return memory


def published_memory() -> PublishedMemory:
    """The current app's memory of what is published."""
    memory: PublishedMemory = current_app.extensions[MEMORY]
    return memory
