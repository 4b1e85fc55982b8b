"""Proof of what a visitor saw and chose: the banner's fingerprint and the consent receipt."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from flask import current_app, render_template, url_for
from markupsafe import Markup
from sqlalchemy import select

from website.consent import registry
from website.consent.models import ConsentRecord
from website.extensions import db, utcnow
from website.i18n import page_locale

RECEIPT_SCHEMA = "ISO/IEC TS 27560:2023 consent record (fields after it)"
EVENT_TYPES = {
    "banner": "given", "settings": "given", "withdrawal": "withdrawn",
    "gpc": "refused by Global Privacy Control", "gpc_exception": "exception to GPC confirmed",
}


def banner_fingerprint(expired: bool) -> str:
    """SHA-256 of the banner's visible wording, in the variant shown (first ask or ask again)
    and in the language of the page it was answered on."""
    return banner_wording_fingerprint(page_locale(), expired)


# Template and compiled catalogues, fixed while the process lives: not published state.
@functools.lru_cache(maxsize=32)
def banner_wording_fingerprint(locale: str, expired: bool) -> str:
    """The fingerprint of the banner's wording in `locale` (rendered in the request's app)."""
    # Rendered from the template itself, so the fingerprint follows any change of wording.
    shown = SimpleNamespace(show_banner=True, expired=expired)
    html = render_template("consent/_banner.html", consent=shown)
    wording = Markup(html).striptags()  # noqa: S704 - our own template; only its text is kept
    return hashlib.sha256(wording.encode()).hexdigest()


def browser_family(user_agent: str) -> str:
    """The browser family only (no version, no platform): enough for proof, not tracking."""
    families = (
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
        ("Safari/", "Safari"), ("curl/", "curl"), ("Wget/", "Wget"),
        ("python-requests/", "python-requests"), ("Werkzeug/", "Werkzeug test client"),
    )
    for token, family in families:
        if token in user_agent:
            return family
    return "Other" if user_agent else "Unknown"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _event(number: int, record: ConsentRecord) -> dict[str, Any]:
    return {
        "event_id": f"{record.consent_id}-{number}",
        "timestamp": _iso(record.created_at),
        "event_type": EVENT_TYPES.get(record.source, record.source),
        "source": record.source,
        "granted": list(record.granted),
        "refused": list(record.refused),
        "policy_version": record.policy_version,
        "notice": {
            "banner_fingerprint": record.banner_fingerprint or None,
            "registry_fingerprint": record.registry_fingerprint or None,
        },
        "browser_family": record.browser_family,
    }


def _purposes(granted: set[str], active: bool) -> list[dict[str, Any]]:
    config = current_app.config
    cookies = registry.as_json()["cookies"]
    return [
        {
            "purpose_id": c.key,
            "purpose": str(c.name),
            "description": str(c.description),
            "lawful_basis": "strictly necessary (no consent needed)" if c.required
            else "consent (UK GDPR and GDPR Art. 6(1)(a); PECR reg. 6)",
            "status": "active" if c.required or (active and c.key in granted) else "not given",
            "cookies": [k for k in cookies if k["category"] == c.key],
            "third_party_disclosure": False,
            "storage_period_days": config["RETENTION_DAYS"]["page_views"]
            if c.key == registry.ANALYTICS else None,
        }
        for c in registry.categories()
    ]


def consent_receipt(consent_id: str) -> dict[str, Any] | None:
    """The receipt for one consent id: controller, purposes, and every recorded event."""
    records = list(db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.consent_id == consent_id)
        .order_by(ConsentRecord.id)
    ))
    if not records:
        return None
    config = current_app.config
    latest = records[-1]
    expires_at = latest.created_at + timedelta(days=config["CONSENT_MAX_AGE_DAYS"])
    active = expires_at > utcnow() and latest.registry_fingerprint == registry.fingerprint()
    site = config["SITE_URL"]
    return {
        "schema": RECEIPT_SCHEMA,
        "record_id": consent_id,
        "pii_principal_id": consent_id,
        "generated_at": _iso(utcnow()),
        "controller": {
            "name": config.get("COMPANY_NAME"),
            "contact": config.get("CONTACT_EMAIL"),
            "privacy_notice": site + url_for("policy.current"),
            "cookie_notice": site + url_for("consent.cookies"),
        },
        "jurisdiction": "UK and EU (UK GDPR, GDPR, PECR, ePrivacy Directive); California (CCPA)",
        "collection_method": "the site's cookie banner or cookie settings page, "
                             "or the browser's Global Privacy Control signal",
        "consent_type": "explicit",
        "status": "active" if active else "expired",
        "valid_until": _iso(expires_at),
        "purposes": _purposes(set(latest.granted), active),
        "events": [_event(n, r) for n, r in enumerate(records, 1)],
    }


CONSENT_EXPORT_COLUMNS = ["consent_id", "created_at", "source", "granted", "refused",
                          "policy_version", "locale", "browser_family", "banner_fingerprint",
                          "registry_fingerprint"]


def records_between(start: date | None, end: date | None) -> Iterator[list[Any]]:
    """Every consent record made from `start` to `end` (whole days, UTC), oldest first, as rows
    of CONSENT_EXPORT_COLUMNS (no account: the proof stands without it), read in batches."""
    conditions = []
    if start is not None:
        conditions.append(ConsentRecord.created_at >= datetime.combine(start, time.min))
    if end is not None:
        conditions.append(ConsentRecord.created_at < datetime.combine(end + timedelta(days=1),
                                                                      time.min))
    columns = [getattr(ConsentRecord, name) for name in CONSENT_EXPORT_COLUMNS]
    after = 0
    while True:
        query = (select(ConsentRecord.id, *columns).where(ConsentRecord.id > after, *conditions)
                 .order_by(ConsentRecord.id).limit(1000))
        batch = list(db.session.execute(query))
        for row in batch:
            yield list(row[1:])
        if len(batch) < 1000:
            return
        after = batch[-1][0]
