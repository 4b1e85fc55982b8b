"""Cookie consent's rules: what a choice grants, what the signed cookie says, whether it still
counts, and the proof row each decision stores.

Nothing here reads the request in progress: `website.consent.state` does (the request's state on
`g`, the cookies an answer sets, the after-request hook and the templates' `consent`)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Insert, Table, bindparam, insert, select, update
from sqlalchemy.sql.selectable import ScalarSelect

from website.consent import registry
from website.consent.group_commit import proof_queue
from website.consent.models import ConsentRecord
from website.consent.proof import browser_family
from website.database import commit_without_flush_wait
from website.extensions import db, rowcount, utcnow
from website.i18n import DEFAULT_LOCALE
from website.policy.models import PolicyVersion
from website.policy.service import in_force_first

CHOICES = ("accept_all", "reject_all", "save")
ORIGINS = ("banner", "settings", "gpc", "gpc_exception")
SOURCES = ("banner", "settings", "withdrawal", "gpc", "gpc_exception")
# Decisions one address may send in a minute (the view's rate limit).
DECISIONS_PER_MINUTE = "30 per minute"


@dataclass(frozen=True)
class StoredChoice:
    """What the signed consent cookie says the visitor chose."""

    consent_id: str
    granted: frozenset[str]
    policy_version: int | None
    decided_at: datetime
    origin: str
    registry_fingerprint: str = ""


@dataclass
class ConsentState:
    """The visitor's consent for this request, as templates and hooks see it."""

    stored: StoredChoice | None = None
    current: bool = False
    gpc: bool = False
    gpc_honoured: bool = False
    gpc_override: bool = False
    granted: frozenset[str] = field(default_factory=frozenset)

    @property
    def show_banner(self) -> bool:
        """Ask when there is no current choice, unless the browser's GPC signal answers."""
        return not self.current and not self.gpc

    @property
    def expired(self) -> bool:
        """A choice is stored but must be asked again (too old, or the cookies changed since)."""
        return self.stored is not None and not self.current

    def allows(self, key: str) -> bool:
        """True when the category may be used now."""
        return key == registry.NECESSARY or key in self.granted


def _serializer() -> URLSafeSerializer:
    """The consent cookie's signer for this app's SECRET_KEY."""
    return signer(current_app.config["SECRET_KEY"])


# Made from SECRET_KEY alone, which never changes while the process lives: not published state.
@functools.lru_cache(maxsize=4)
def signer(secret_key: str) -> URLSafeSerializer:
    """A signer for consent cookies under this key."""
    return URLSafeSerializer(secret_key, salt="cookie-consent")


def encode_choice(choice: StoredChoice) -> str:
    """The signed consent cookie value."""
    return _serializer().dumps(
        {
            "id": choice.consent_id,
            "g": sorted(choice.granted),
            "v": choice.policy_version,
            "t": int((choice.decided_at - datetime(1970, 1, 1)).total_seconds()),
            "o": choice.origin,
            "r": choice.registry_fingerprint,
        }
    )


def decode_choice(value: str | None) -> StoredChoice | None:
    """The choice in a consent cookie; None when absent, forged or malformed."""
    if not value or len(value) > 1000:
        return None
    try:
        data = _serializer().loads(value)
        consent_id, granted, version = data["id"], data["g"], data["v"]
        decided_at = datetime(1970, 1, 1) + timedelta(seconds=int(data["t"]))
        origin = data["o"]
        registry_fingerprint = data.get("r", "")
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
    if not isinstance(consent_id, str) or not 16 <= len(consent_id) <= 64:
        return None
    if not isinstance(granted, list) or origin not in ORIGINS:
        return None
    if version is not None and not isinstance(version, int):
        return None
    if not isinstance(registry_fingerprint, str):
        return None
    known = set(registry.optional_keys())
    return StoredChoice(consent_id, frozenset(k for k in granted if k in known), version,
                        decided_at, origin, registry_fingerprint)


def is_current(choice: StoredChoice) -> bool:
    """False when the choice is older than CONSENT_MAX_AGE_DAYS or the cookie registry changed.

    A policy revision alone does not ask again: only a change in what the consent covers
    (categories, purposes, cookies) does, as the registry's fingerprint shows.
    """
    max_age = timedelta(days=current_app.config["CONSENT_MAX_AGE_DAYS"])
    if utcnow() - choice.decided_at > max_age:
        return False
    return choice.registry_fingerprint == registry.fingerprint()


def current_policy_number_query() -> ScalarSelect[int]:
    """The number of the version in force on the date bound as `today`, as a subquery for the
    INSERT (saves a round trip)."""
    return in_force_first(select(PolicyVersion.number), bindparam("today")).scalar_subquery()


# SQL built from the code's table, which never changes while the process lives.
@functools.cache
def consent_insert() -> Insert:
    """The proof's INSERT ... RETURNING, built once: each decision only binds its values, so
    SQLAlchemy reuses the compiled statement without rebuilding or re-keying it."""
    table = cast(Table, ConsentRecord.__table__)  # a mapped class's table is a Table
    return (
        insert(table)
        .values(policy_version=current_policy_number_query())
        .returning(table.c.policy_version, sort_by_parameter_order=True)
    )


def state_for(cookie: str | None, gpc: bool) -> ConsentState:
    """The consent in force for a visitor who sends this consent cookie and GPC signal."""
    state = ConsentState(gpc=gpc)
    state.stored = decode_choice(cookie)
    state.current = state.stored is not None and is_current(state.stored)
    if state.current and state.stored is not None:
        stored = state.stored
        # The signal wins over any earlier grant; only an exception the visitor confirmed on
        # the cookie page while sending it counts (CCPA regulations section 7025(c)(3)).
        state.gpc_honoured = gpc and stored.origin != "gpc_exception"
        state.gpc_override = state.gpc_honoured and bool(stored.granted)
        state.granted = frozenset() if state.gpc_honoured else stored.granted
    else:
        state.gpc_honoured = gpc
    return state


def decision_origin(choice: str, sent: str | None) -> str:
    """Where the decision was made, as the form says (banner or settings page), or as its
    button implies ("Save choices" is only on the settings page)."""
    if sent in ("banner", "settings"):
        return sent
    return "settings" if choice == "save" else "banner"


def granted_for(choice: str, requested: AbstractSet[str]) -> frozenset[str]:
    """The optional categories a form choice grants; unknown category keys are ignored."""
    optional = registry.optional_keys()
    if choice == "accept_all":
        return frozenset(optional)
    if choice == "reject_all":
        return frozenset()
    return frozenset(k for k in optional if k in requested)


def decide(choice: str, requested: AbstractSet[str], sent_origin: str | None, gpc_exception: bool,
           state: ConsentState) -> tuple[frozenset[str], str] | None:
    """The categories a form's choice grants and where it was made; None when it grants one
    while the browser sends GPC and the exception was not confirmed (the signal wins)."""
    granted = granted_for(choice, requested)
    origin = decision_origin(choice, sent_origin)
    if state.gpc and granted:
        if not gpc_exception:
            return None
        origin = "gpc_exception"
    return granted, origin


def insert_proof(values: dict[str, Any]) -> int | None:
    """Store one proof row; the policy version it was recorded under.

    Inside the request's transaction when it already read something (a logged-in user); else
    on a connection of its own, committed with the rows of the decisions made at the same
    moment in this worker (`website.consent.group_commit`), durable when it returns unless
    DURABLE_CONSENT_PROOF=false."""
    if db.session.registry.has() and db.session().in_transaction():
        if not current_app.config["DURABLE_CONSENT_PROOF"]:
            commit_without_flush_wait()
        version = db.session.execute(consent_insert(), values).scalar_one()
        db.session.commit()
        return version
    return proof_queue().store(values, consent_insert())


def new_decision(
    granted: frozenset[str], origin: str, previous: ConsentState, user_id: int | None,
    user_agent: str, banner_fingerprint: str, locale: str,
) -> tuple[dict[str, Any], StoredChoice]:
    """One decision: the proof row's values, and the choice for the cookie (its policy version
    is filled in by the INSERT). `locale`: the language of the banner or page answered."""
    stored = previous.stored
    consent_id = stored.consent_id if stored else secrets.token_urlsafe(18)
    before = stored.granted if (stored and previous.current) else frozenset()
    # A refusal by the GPC signal is recorded as such; one by hand is a withdrawal.
    source = "withdrawal" if origin != "gpc" and before - granted else origin
    now = utcnow().replace(microsecond=0)
    covered = registry.fingerprint()
    values = {
        "consent_id": consent_id,
        "granted": [registry.NECESSARY, *sorted(granted)],
        "refused": [k for k in registry.optional_keys() if k not in granted],
        "today": now.date(),
        "source": source,
        "browser_family": browser_family(user_agent),
        "user_id": user_id,
        "created_at": now,
        "banner_fingerprint": banner_fingerprint,
        "registry_fingerprint": covered,
        "locale": locale,
    }
    return values, StoredChoice(consent_id, granted, None, now, origin, covered)


def record_consent(
    granted: frozenset[str], origin: str, previous: ConsentState, user_id: int | None,
    user_agent: str, banner_fingerprint: str = "", locale: str = DEFAULT_LOCALE,
) -> StoredChoice:
    """Store one decision as proof (a new row, never an update) and return it for the cookie."""
    values, choice = new_decision(granted, origin, previous, user_id, user_agent,
                                  banner_fingerprint, locale)
    return replace(choice, policy_version=insert_proof(values))


def categories_map(granted: frozenset[str]) -> dict[str, bool]:
    """Every category with whether it is allowed: the JSON answer's `categories`."""
    return {c.key: c.required or c.key in granted for c in registry.categories()}


def consent_records_for_user(user_id: int) -> list[dict[str, Any]]:
    """A user's consent decisions, newest first, as plain data (the account page and export)."""
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.created_at.desc(), ConsentRecord.id.desc())
    )
    return [
        {
            "consent_id": r.consent_id,
            "granted": list(r.granted),
            "refused": list(r.refused),
            "policy_version": r.policy_version,
            "source": r.source,
            "browser_family": r.browser_family,
            "created_at": r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "banner_fingerprint": r.banner_fingerprint,
            "registry_fingerprint": r.registry_fingerprint,
        }
        for r in db.session.scalars(query)
    ]


def unlink_user(user_id: int) -> int:
    """Detach a deleted user's consent records (the proof stays, anonymous); caller commits."""
    result = db.session.execute(
        update(ConsentRecord).where(ConsentRecord.user_id == user_id).values(user_id=None)
    )
    return rowcount(result)


def latest_gpc_refusal(stored: StoredChoice) -> StoredChoice | None:
    """The GPC refusal already recorded over this grant, if the consent id's newest row is one."""
    newest = db.session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.consent_id == stored.consent_id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    ).first()
    if newest is None or newest.source != "gpc" or newest.created_at < stored.decided_at:
        return None
    return StoredChoice(stored.consent_id, frozenset(), newest.policy_version,
                        newest.created_at, "gpc", newest.registry_fingerprint)
