"""The register of systems: list, read, add and change systems (audited), seed it on first
start from content/systems.toml, and feed the processing register (one entry per system)."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.records.register import LEGAL_BASES, SITE_ENTRIES, Entry, add_source
from website.systems.models import KINDS, System
from website.webhooks.addresses import EndpointError, check_endpoint

log = logging.getLogger(__name__)

# What an admin may set: the SPEC's fields, in the order the form shows them.
FIELDS = ("name", "data", "purpose", "legal_basis", "retention", "processor", "location", "kind",
          "endpoint", "contact_email", "instructions")
# Request types that give every system of the register a task; an objection (Art. 21(1))
# concerns only processing on legitimate interests.
TASK_TYPES = ("access", "portability", "deletion", "correction", "restriction", "objection")
# Art. 19: what is passed on to every recipient (a system run by a processor).
TOLD_TYPES = ("deletion", "correction", "restriction")


# Art. 28(2): a new processor starts at least this long after it is added, so the customers who
# follow the sub-processor list hear of it first and may object.
PROCESSOR_NOTICE = timedelta(days=30)
NEW_PROCESSOR_HOOKS = "systems.on_new_processor"


def on_new_processor(app: Flask, callback: Callable[[System], None]) -> None:
    """Call `callback(system)` in the saving transaction when a system gains a processor (the
    factory registers the sub-processor list's notice here: this room does not import it)."""
    app.extensions.setdefault(NEW_PROCESSOR_HOOKS, []).append(callback)


class SystemError(ValueError):
    """A system that cannot be stored as given (the message says why)."""


@dataclass(frozen=True)
class SiteSystem:
    """This site as one system of the register: read-only, its facts derived from the code."""

    name: str = "This site (privacy centre)"
    kind: str = "site"
    processor: str = "Our hosting provider"
    location: str = "UK/EEA"
    entries: list[Entry] = field(default_factory=lambda: list(SITE_ENTRIES))


def active_systems() -> list[System]:
    """The systems in the register (not retired), by name."""
    query = select(System).where(System.retired_at.is_(None)).order_by(System.name)
    return list(db.session.scalars(query))


def get_system(system_id: int) -> System | None:
    """One system, or None."""
    return db.session.get(System, system_id)


def systems_for(request_type: str) -> list[System]:
    """The systems that hold data a request of this type concerns (each gets a task)."""
    if request_type not in TASK_TYPES:
        return []
    systems = active_systems()
    if request_type == "objection":
        return [s for s in systems if s.legal_basis == "legitimate_interests"]
    return systems


def is_recipient(system: System) -> bool:
    """Art. 19: a system run by a processor is a recipient that must be told."""
    return bool(system.processor.strip())


def check_fields(values: dict[str, str]) -> dict[str, str]:
    """The values cleaned, or SystemError naming the first problem (the form checks the same)."""
    clean = {name: (values.get(name) or "").strip() for name in FIELDS}
    for required in ("name", "data", "purpose", "retention"):
        if not clean[required]:
            raise SystemError(f"Give the system's {required.replace('_', ' ')}.")
    if clean["legal_basis"] not in LEGAL_BASES:
        raise SystemError(f"The legal basis is one of: {', '.join(LEGAL_BASES)}.")
    if clean["kind"] not in KINDS:
        raise SystemError(f"The kind is one of: {', '.join(KINDS)}.")
    if clean["kind"] == "email" and "@" not in clean["contact_email"]:
        raise SystemError("An email system needs the processor's privacy contact address.")
    if clean["kind"] == "manual" and not clean["instructions"]:
        raise SystemError("A manual system needs written instructions for the team that acts.")
    if clean["kind"] == "webhook":
        try:
            check_endpoint(clean["endpoint"])
        except EndpointError as error:
            raise SystemError(str(error)) from None
    return clean


def save_system(system: System | None, values: dict[str, str], actor: User) -> System:
    """Add a system (None) or change one; audited; commits. SystemError when a value is wrong."""
    clean = check_fields(values)
    taken = db.session.scalar(select(System.id).where(
        func.lower(System.name) == clean["name"].lower()))
    if taken is not None and (system is None or taken != system.id):
        raise SystemError("Another system already has this name.")
    action = "systems.change" if system is not None else "systems.add"
    before = system.processor.strip().lower() if system is not None else ""
    if system is None:
        system = System(**clean)
        db.session.add(system)
    else:
        for name, value in clean.items():
            setattr(system, name, value)
        system.updated_at = utcnow()
    new_processor = bool(clean["processor"]) and clean["processor"].lower() != before
    if new_processor:
        system.starts_at = utcnow() + PROCESSOR_NOTICE
    db.session.flush()
    if new_processor:
        for callback in current_app.extensions.get(NEW_PROCESSOR_HOOKS, []):
            callback(system)
    record_audit(action, f"system:{system.id}", {"name": system.name, "kind": system.kind},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()
    return system


def retire_system(system: System, actor: User) -> None:
    """Take a system out of the register (its past tasks stay); audited; commits."""
    system.retired_at = utcnow()
    record_audit("systems.retire", f"system:{system.id}", {"name": system.name},
                 actor_id=actor.id, actor=actor.email)
    db.session.commit()


def system_entry(system: System) -> Entry:
    """A system as an entry of the processing register."""
    recipients = []
    if system.processor:
        where = f" ({system.location})" if system.location else ""
        recipients.append(f"{system.processor}{where}")
    return Entry(key=f"system-{system.id}", activity=system.name, purposes=(system.purpose,),
                 legal_basis=LEGAL_BASES[system.legal_basis], recipients=tuple(recipients),
                 data=system.data, retention_text=system.retention, system_id=system.id)


def register_entries() -> list[Entry]:
    """The register's entries for the systems in it (the processing register reads these)."""
    return [system_entry(system) for system in active_systems()]


def seed_file() -> Path:
    """The file the register is seeded from (SYSTEMS_SEED, default content/systems.toml)."""
    return Path(current_app.config["SYSTEMS_SEED"])


def read_seed(path: Path) -> list[dict[str, str]]:
    """The systems listed in a seed file, each checked like the form's input."""
    with path.open("rb") as seed:
        listed: list[dict[str, Any]] = tomllib.load(seed).get("system", [])
    return [check_fields({k: str(v) for k, v in item.items()}) for item in listed]


def ensure_seeded() -> int:
    """On first start (no system ever stored), add the seed file's systems; safe when workers
    race (the unique name keeps one of each). How many were added."""
    try:
        if not inspect(db.engine).has_table(System.__tablename__):
            return 0
        if db.session.scalar(select(func.count()).select_from(System)):
            return 0
        systems = [System(**values) for values in read_seed(seed_file())]
        db.session.add_all(systems)
        record_audit("systems.seed", "systems", {"count": len(systems)}, actor="site (first start)")
        db.session.commit()
        return len(systems)
    except IntegrityError:
        db.session.rollback()  # another worker seeded first
        return 0
    except OperationalError as error:
        db.session.rollback()
        log.warning("The database did not answer at start (%s); systems not seeded.", error)
        return 0
    finally:
        db.session.remove()


def register_systems(app: Flask) -> None:
    """The systems feed the processing register; the register is seeded on first start."""
    add_source(app, register_entries)
    if not app.config["TESTING"]:
        with app.app_context():
            ensure_seeded()
