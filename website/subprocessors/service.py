"""The sub-processor list, read from the register of systems (one source), and who hears of it:
subscribe (double opt-in), notice of a coming processor, objections, unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from website.accounts.models import User
from website.audit import record_audit
from website.extensions import db, utcnow
from website.i18n import current_locale, localised_url
from website.i18n import lazy_gettext as _l
from website.mail.service import queue_email
from website.routing import MAX_DATABASE_INT
from website.subprocessors.models import Objection, Subscriber
from website.systems.models import System
from website.systems.service import active_systems, on_new_processor

# One salt per kind of link, so a confirmation link cannot unsubscribe and the reverse.
CONFIRM, LINK = "subprocessors.confirm", "subprocessors.link"


@dataclass(frozen=True)
class Listing:
    """The list as a page shows it: processors in use, and those about to start."""

    current: list[System]
    coming: list[System]


def processors() -> list[System]:
    """Every system of the register run by a processor (not retired), by name."""
    return [system for system in active_systems() if system.processor.strip()]


def is_coming(system: System, now: datetime | None = None) -> bool:
    """True while a processor's start date lies ahead."""
    return system.starts_at is not None and system.starts_at > (now or utcnow())


def listing() -> Listing:
    """The list now, split into current and coming processors."""
    now, every = utcnow(), processors()
    return Listing([s for s in every if not is_coming(s, now)],
                   [s for s in every if is_coming(s, now)])


def coming_processor(system_id: int | None) -> System | None:
    """A coming processor by id, or None (unknown, retired, started or run by us)."""
    # A number past the column's range would make the database raise, not answer "none".
    in_range = system_id is not None and 0 < system_id <= MAX_DATABASE_INT
    system = db.session.get(System, system_id) if in_range else None
    if system is None or system.retired_at is not None or not system.processor.strip():
        return None
    return system if is_coming(system) else None


def token(subscriber: Subscriber, salt: str = LINK) -> str:
    """The subscriber's signed link token (no table: the signature is the secret)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(subscriber.id)


def subscriber_for(value: str, salt: str = LINK) -> Subscriber | None:
    """The subscriber a link token names, or None when forged or gone."""
    try:
        subscriber_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(value)
    except BadSignature:
        return None
    return db.session.get(Subscriber, subscriber_id) if isinstance(subscriber_id, int) else None


def by_email(email: str) -> Subscriber | None:
    """The subscriber with this address (any case), or None."""
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email.lower()))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The one-click unsubscribe address (List-Unsubscribe; POST works without cookies)."""
    return localised_url("subprocessors.unsubscribe", subscriber.locale, token=token(subscriber))


def queue_list_email(subscriber: Subscriber, subject: str, template: str,
                     **context: Any) -> None:
    """Queue one email of the list to a subscriber, with its one-click unsubscribe headers
    (`subject` may be a lazy string: queue_email translates it)."""
    url = unsubscribe_url(subscriber)
    email = queue_email(subscriber.email, subject, template, locale=subscriber.locale,
                        unsubscribe=url, **context)
    email.unsubscribe_url = url


def subscribe(email: str) -> None:
    """Ask an address to confirm (double opt-in); a confirmed one is told nothing; commits."""
    subscriber = by_email(email)
    if subscriber is None:
        subscriber = Subscriber(email=email.lower(), locale=current_locale())
        db.session.add(subscriber)
        db.session.flush()
    if subscriber.confirmed_at is None:
        confirm = localised_url("subprocessors.confirm", subscriber.locale,
                                token=token(subscriber, CONFIRM))
        queue_list_email(subscriber, _l("Confirm: new sub-processors by email"),
                         "subprocessors_confirm", confirm_url=confirm)
    db.session.commit()


def confirm(subscriber: Subscriber) -> None:
    """Confirm a subscription (the emailed link); commits."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = utcnow()
        db.session.commit()


def unsubscribe(subscriber: Subscriber) -> None:
    """Forget the subscriber and their objections; commits."""
    db.session.delete(subscriber)
    db.session.commit()


def erase_subscription(email: str) -> None:
    """Art. 17: forget the address's subscription and its objections (the caller commits)."""
    subscriber = by_email(email)
    if subscriber is not None:
        db.session.execute(delete(Objection).where(Objection.subscriber_id == subscriber.id))
        db.session.delete(subscriber)


def confirmed_subscribers() -> list[Subscriber]:
    """The addresses that confirmed: the only ones ever told of a processor."""
    query = select(Subscriber).where(Subscriber.confirmed_at.is_not(None)).order_by(Subscriber.id)
    return list(db.session.scalars(query))


def tell_subscribers(system: System) -> None:
    """A processor was added: tell every confirmed subscriber now, in the saving transaction."""
    for subscriber in confirmed_subscribers():
        object_url = localised_url("subprocessors.objection", subscriber.locale,
                                   token=token(subscriber), system_id=system.id)
        queue_list_email(subscriber, _l("A new sub-processor: %(name)s", name=system.processor),
                         "subprocessors_new", system=system, object_url=object_url,
                         list_url=localised_url("subprocessors.page", subscriber.locale))


def send_objection_link(email: str, system: System) -> None:
    """From the page: email the objection link to a confirmed subscriber; anyone else is told
    nothing (the page answers the same); commits."""
    subscriber = by_email(email)
    if subscriber is not None and subscriber.confirmed_at is not None:
        object_url = localised_url("subprocessors.objection", subscriber.locale,
                                   token=token(subscriber), system_id=system.id)
        queue_list_email(subscriber, _l("Your objection to %(name)s", name=system.processor),
                         "subprocessors_object_link", system=system, object_url=object_url)
        db.session.commit()


def objection_of(subscriber: Subscriber, system: System) -> Objection | None:
    """This subscriber's objection to this processor, if raised."""
    return db.session.scalar(select(Objection).where(
        Objection.subscriber_id == subscriber.id, Objection.system_id == system.id))


def object_to(subscriber: Subscriber, system: System, reason: str) -> Objection:
    """Record an objection (once per subscriber and processor; a second updates the reason);
    audited; commits."""
    objection = objection_of(subscriber, system)
    if objection is None:
        objection = Objection(subscriber_id=subscriber.id, system_id=system.id, reason=reason)
        db.session.add(objection)
    else:
        objection.reason = reason
    db.session.flush()
    record_audit("subprocessors.object", f"system:{system.id}", {"objection": objection.id})
    db.session.commit()
    return objection


def open_objections() -> list[Objection]:
    """Objections not yet answered, the earliest start date first (the team's deadline)."""
    query = (select(Objection).join(Objection.system).where(Objection.answered_at.is_(None))
             .order_by(System.starts_at, Objection.id))
    return list(db.session.scalars(query))


def answered_objections(limit: int = 50) -> list[Objection]:
    """The latest answered objections."""
    query = (select(Objection).where(Objection.answered_at.is_not(None))
             .order_by(Objection.answered_at.desc()).limit(limit))
    return list(db.session.scalars(query))


def answer(objection: Objection, text: str, actor: User) -> None:
    """Answer an objection: stored, emailed to the subscriber, audited; commits."""
    objection.answer, objection.answered_at, objection.answered_by_id = text, utcnow(), actor.id
    queue_list_email(objection.subscriber, _l("Our answer to your objection"),
                     "subprocessors_answer", system=objection.system, answer=text)
    record_audit("subprocessors.answer", f"system:{objection.system_id}",
                 {"objection": objection.id}, actor_id=actor.id, actor=actor.email)
    db.session.commit()


def register_subprocessors(app: Flask) -> None:
    """Tell the subscribers whenever the register of systems gains a processor."""
    on_new_processor(app, tell_subscribers)
