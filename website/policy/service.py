"""Publishing and reading policy versions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Select, func, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import defer

from website.audit import record_audit
from website.extensions import db
from website.policy.models import PolicyVersion
from website.policy.published import published_memory, today
from website.policy.render import render_policy

log = logging.getLogger(__name__)
T = TypeVar("T")


def published_versions() -> list[PolicyVersion]:
    """Every published version, newest number first (their texts are loaded only if read)."""
    query = (
        select(PolicyVersion)
        .options(defer(PolicyVersion.markdown), defer(PolicyVersion.html), defer(PolicyVersion.toc))
        .order_by(PolicyVersion.number.desc())
    )
    return list(db.session.scalars(query))


def in_force_first(query: Select, on: date | ColumnElement[date]) -> Select:
    """The version in force: latest effective date that has come; ties go to the higher number."""
    return (
        query.where(PolicyVersion.effective_on <= on)
        .order_by(PolicyVersion.effective_on.desc(), PolicyVersion.number.desc())
        .limit(1)
    )


def current_version(on: date | None = None) -> PolicyVersion | None:
    """The version in force, with its text."""
    return db.session.scalar(in_force_first(select(PolicyVersion), on or today()))


def get_version(number: int) -> PolicyVersion | None:
    """One published version by its number."""
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == number))


def published_version(number: int) -> PolicyVersion | None:
    """One published version with its text, remembered by this worker: a page view costs no
    query for it."""

    def read() -> PolicyVersion | None:
        version = get_version(number)
        if version is not None:
            db.session.expunge(version)
        return version

    return remembered(("version", number), read)


@dataclass(frozen=True)
class VersionRef:
    """A version's number and effective date: all that marks and rules about versions need."""

    number: int
    effective_on: date


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """The value of `key` under the published state this worker knows (website/policy/
    published.py): for what every page asks and only a publication or a new day changes."""
    return published_memory().remember(key, compute)


def forget_remembered() -> None:
    """After a publication: this worker forgets everything it remembers of what is published
    (values and stored public pages) and reads the published state at its next request."""
    published_memory().forget()


def version_ref(query: Select) -> VersionRef | None:
    """The number and effective date of the first version the query selects."""
    row = db.session.execute(
        query.with_only_columns(PolicyVersion.number, PolicyVersion.effective_on)
    ).first()
    return VersionRef(row.number, row.effective_on) if row else None


def current_version_ref(on: date | None = None) -> VersionRef | None:
    """Which version is in force (remembered for a few seconds: every version page asks)."""
    on = on or today()
    return remembered(
        ("in force", on), lambda: version_ref(in_force_first(select(PolicyVersion), on))
    )


def latest_material_version(on: date | None = None) -> VersionRef | None:
    """The newest material revision already in force (consent given before it is asked again)."""
    on = on or today()

    def read() -> VersionRef | None:  # built only when not remembered: every page asks
        material = select(PolicyVersion).where(PolicyVersion.material.is_(True))
        return version_ref(in_force_first(material, on))

    return remembered(("latest material", on), read)


@dataclass(frozen=True)
class UpcomingVersion:
    """A published version whose effective date is still to come, and the version in force
    today that it is compared with (None when none is in force yet)."""

    number: int
    effective_on: date
    in_force: int | None


def upcoming_versions(on: date | None = None) -> list[UpcomingVersion]:
    """The versions that will take effect after `on` (today), soonest first: for each future
    effective date the highest number (a lower one that day never takes effect)."""
    on = on or today()

    def read() -> list[UpcomingVersion]:  # built only when not remembered: every page asks
        rows = db.session.execute(
            select(PolicyVersion.effective_on, func.max(PolicyVersion.number))
            .where(PolicyVersion.effective_on > on)
            .group_by(PolicyVersion.effective_on)
            .order_by(PolicyVersion.effective_on)
        ).all()
        if not rows:
            return []
        in_force = current_version_ref(on)
        number = in_force.number if in_force else None
        return [UpcomingVersion(row[1], row[0], number) for row in rows]

    return remembered(("upcoming", on), read)


MATERIAL_HOOKS = "policy.on_material_change"


def on_material_change(app: Flask, callback: Callable[[PolicyVersion], None]) -> None:
    """Call `callback(version)` in the publishing transaction when a material version is stored.

    The factory registers the announcement (website/policy/announce.py) here, so publishing
    does not import what is built on top of it."""
    app.extensions.setdefault(MATERIAL_HOOKS, []).append(callback)


FIRST_VERSION_HOOKS = "policy.on_first_version"


def on_first_version(app: Flask, callback: Callable[[int], object]) -> None:
    """Call `callback(number)` after the first start imported version 1.

    The factory registers attaching the shipped translations here (website/policy/translations.py
    builds on this module, so this module does not import it back)."""
    app.extensions.setdefault(FIRST_VERSION_HOOKS, []).append(callback)


def publish_version(
    markdown: str,
    effective_on: date,
    summary: str = "",
    material: bool = False,
    actor_id: int | None = None,
    actor: str = "cli",
    number: int | None = None,
) -> PolicyVersion:
    """Render and store the next version, with its audit entry, in one transaction."""
    rendered = render_policy(markdown)
    if number is None:
        number = (db.session.scalar(select(func.max(PolicyVersion.number))) or 0) + 1
    version = PolicyVersion(
        number=number,
        markdown=markdown,
        html=rendered.html,
        toc=rendered.toc,
        summary=summary.strip(),
        material=material,
        effective_on=effective_on,
        published_by_id=actor_id,
    )
    db.session.add(version)
    record_audit(
        "policy.publish",
        target=f"policy version {number}",
        details={"effective": effective_on.isoformat(), "material": material, "summary": summary},
        actor_id=actor_id,
        actor=actor,
    )
    db.session.flush()
    if material:
        for announce in current_app.extensions.get(MATERIAL_HOOKS, []):
            announce(version)
    db.session.commit()
    forget_remembered()
    return version


def ensure_first_version() -> PolicyVersion | None:
    """On first start, import content/policy.md as version 1, with the translations shipped
    beside it (content/policy.de.md, policy.fr.md, by `on_first_version`); safe when workers
    race."""
    try:
        if not inspect(db.engine).has_table(PolicyVersion.__tablename__):
            log.warning("The database is not migrated yet: run `flask db upgrade`; "
                        "content/policy.md becomes version 1 at the next start.")
            return None
        if db.session.scalar(select(func.count()).select_from(PolicyVersion)):
            return None
        source = Path(current_app.config["POLICY_SOURCE"]).read_text(encoding="utf-8")
        effective = current_app.config["POLICY_FIRST_EFFECTIVE"]
        version = publish_version(source, effective, "First published version.", number=1)
        for attach in current_app.extensions.get(FIRST_VERSION_HOOKS, []):
            attach(version.number)
        return version
    except IntegrityError:
        # Another worker imported version 1 first: the unique number kept it to one.
        db.session.rollback()
        return None
    except OperationalError as error:
        # The database is not reachable yet: the site starts, answers 503 until it is, and
        # the next start imports version 1.
        db.session.rollback()
        log.warning("The database did not answer at start (%s); version 1 was not checked.",
                    error.orig or error)
        return None
    finally:
        db.session.remove()
