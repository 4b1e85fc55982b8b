"""Publishing and reading policy versions."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from flask import current_app, g
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from website.audit import record_audit
from website.extensions import db, utcnow
from website.policy.models import PolicyVersion
from website.policy.render import render_policy

log = logging.getLogger(__name__)


def today() -> date:
    """Today's date in UTC: effective dates are calendar days."""
    return utcnow().date()


def published_versions() -> list[PolicyVersion]:
    """Every published version, newest number first."""
    return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.number.desc())))


def current_version(on: date | None = None) -> PolicyVersion | None:
    """The version in force: latest effective date that has come; ties go to the higher number."""
    query = (
        select(PolicyVersion)
        .where(PolicyVersion.effective_on <= (on or today()))
        .order_by(PolicyVersion.effective_on.desc(), PolicyVersion.number.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def get_version(number: int) -> PolicyVersion | None:
    """One published version by its number."""
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == number))


def latest_material_version(on: date | None = None) -> PolicyVersion | None:
    """The newest material revision already in force (consent given before it is asked again).

    Asked once per request: the consent rule and the on-site notice both need it.
    """
    on = on or today()
    known = g.setdefault("latest_material_version", {})
    if on not in known:
        known[on] = db.session.scalar(
            select(PolicyVersion)
            .where(PolicyVersion.material.is_(True), PolicyVersion.effective_on <= on)
            .order_by(PolicyVersion.effective_on.desc(), PolicyVersion.number.desc())
            .limit(1)
        )
    return known[on]


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
        from website.policy.announce import announce_material_change

        announce_material_change(version)
    db.session.commit()
    g.pop("latest_material_version", None)
    return version


def ensure_first_version() -> PolicyVersion | None:
    """On first start, import content/policy.md as version 1; safe when workers race."""
    try:
        if not inspect(db.engine).has_table(PolicyVersion.__tablename__):
            return None
        if db.session.scalar(select(func.count()).select_from(PolicyVersion)):
            return None
        source = Path(current_app.config["POLICY_SOURCE"]).read_text(encoding="utf-8")
        effective = current_app.config["POLICY_FIRST_EFFECTIVE"]
        return publish_version(source, effective, "First published version.", number=1)
    except IntegrityError:
        # Another worker imported version 1 first: the unique number kept it to one.
        db.session.rollback()
        return None
    except Exception:  # noqa: BLE001 - the site must start even if the database is not ready
        db.session.rollback()
        log.warning("could not check for the first policy version", exc_info=True)
        return None
    finally:
        db.session.remove()
