"""The published records, generated from the retention rules, the activities and the registry."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import current_app, url_for

from website.consent import registry
from website.extensions import utcnow
from website.i18n import gettext as _
from website.i18n import ngettext, page_locale
from website.records.activities import ACTIVITIES, SECURITY_MEASURES, Activity
from website.retention import RETENTION_RULES, RetentionRule

RULES_BY_KEY = {rule.key: rule for rule in RETENTION_RULES}


def period_words(days: int) -> str:
    """A period for people: "2 years (730 days)", "30 days", "1 day" (in the page's language)."""
    years = round(days / 365.25)
    if years >= 1 and abs(days - years * 365.25) <= 2:
        return ngettext("%(num)d year (%(days)d days)", "%(num)d years (%(days)d days)", years,
                        days=days)
    return ngettext("%(num)d day", "%(num)d days", days)


def rule_period(rule: RetentionRule, starts_sentence: bool = True) -> str:
    """How long this kind of data is kept, in words, with the period from configuration."""
    days = rule.days(current_app.config)
    if days is None:
        period = str(rule.period)
        return period[:1].upper() + period[1:] if starts_sentence else period
    if rule.key == "consent_records":
        longest = period_words(current_app.config["CONSENT_MAX_AGE_DAYS"])
        return _("%(period)s from %(start)s (a choice stands at most %(longest)s)",
                 period=period_words(days), start=rule.counted_from, longest=longest)
    return _("%(period)s from %(start)s", period=period_words(days), start=rule.counted_from)


def lower_first(text: str) -> str:
    """A list item that continues a sentence: lower-case initial, except in German, whose
    nouns keep their capital."""
    return text if page_locale() == "de" else text[:1].lower() + text[1:]


def retention_schedule() -> list[dict[str, Any]]:
    """Each kind of data: what it is, its period, legal basis and what happens at the end."""
    return [
        {
            "key": rule.key,
            "data": str(rule.data),
            "period": rule_period(rule),
            "days": rule.days(current_app.config),
            "legal_basis": str(rule.legal_basis),
            "at_end": str(rule.at_end),
            "purged_automatically": rule.past_its_time is not None,
        }
        for rule in RETENTION_RULES
    ]


def _purposes(activity: Activity) -> list[str]:
    if activity.key == "analytics":
        return [str(c.description) for c in registry.optional_categories()
                if c.key == registry.ANALYTICS]
    return [str(p) for p in activity.purposes]


def _legal_bases(activity: Activity) -> list[str]:
    return sorted({str(RULES_BY_KEY[key].legal_basis) for key in activity.retention})


def _activity_row(activity: Activity) -> dict[str, Any]:
    data = list(activity.data)
    if activity.key == "analytics":
        data += [f"Cookie {c['name']}: {c['purpose']}" for c in registry.as_json()["cookies"]
                 if c["category"] == registry.ANALYTICS]
    return {
        "activity": activity.name,
        "purposes": _purposes(activity),
        "legal_basis": _legal_bases(activity),
        "categories_of_data": data,
        "categories_of_people": list(activity.people),
        "recipients": list(activity.recipients),
        "transfers": activity.transfers,
        "retention": [f"{RULES_BY_KEY[key].data}: {rule_period(RULES_BY_KEY[key])}"
                      for key in activity.retention],
        "policy_section": url_for("policy.current", _anchor=activity.policy_anchor),
    }


def processing_record() -> dict[str, Any]:
    """The Art. 30(1) record of processing activities, as data."""
    config = current_app.config
    return {
        "controller": {
            "name": config.get("COMPANY_NAME") or "",
            "contact": config.get("CONTACT_EMAIL") or "",
            "phone": config.get("CONTACT_PHONE") or "",
            "website": config["SITE_URL"],
        },
        "generated_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "activities": [_activity_row(a) for a in ACTIVITIES],
        "security_measures": list(SECURITY_MEASURES),
    }


def processing_csv(record: dict[str, Any]) -> str:
    """The record as CSV: one row per activity, lists joined by "; "."""
    out = io.StringIO()
    columns = ["activity", "purposes", "legal_basis", "categories_of_data",
               "categories_of_people", "recipients", "transfers", "retention"]
    writer = csv.writer(out)
    writer.writerow([*columns, "security_measures"])
    security = "; ".join(record["security_measures"])
    for row in record["activities"]:
        cells = [v if isinstance(v, str) else "; ".join(v) for v in (row[c] for c in columns)]
        writer.writerow([*cells, security])
    return out.getvalue()


def collection_notice(activity_key: str) -> dict[str, Any]:
    """The short notice at collection (Art. 13) for a form: purposes, period, where to read on."""
    activity = next(a for a in ACTIVITIES if a.key == activity_key)
    rules = [RULES_BY_KEY[key] for key in activity.retention if key != "sent_email"]
    return {
        "purposes": [lower_first(p) for p in _purposes(activity)],
        "periods": [_("%(data)s: %(period)s", data=rule.data,
                      period=rule_period(rule, starts_sentence=False)) for rule in rules],
        "policy_url": url_for("policy.current", _anchor=activity.policy_anchor),
        "retention_url": url_for("records.retention", _anchor=rules[0].key),
    }
