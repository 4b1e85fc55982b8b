"""The published records, generated from the processing register (website/records/register.py),
the retention rules and the cookie registry: /privacy/retention, the Art. 30 record, the
export's Art. 15 section and the notices at collection."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import current_app, url_for

from website.consent import registry
from website.extensions import utcnow
from website.i18n import gettext as _
from website.i18n import ngettext, page_locale
from website.records.activities import ACTIVITIES, NO_TRANSFER, SECURITY_MEASURES
from website.records.register import SITE_ENTRIES, Entry, entries, owner_of_rule
from website.retention import DELETED, RETENTION_RULES, RetentionRule

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


def _rule_row(rule: RetentionRule) -> dict[str, Any]:
    return {
        "key": rule.key,
        "data": str(rule.data),
        "period": rule_period(rule),
        "days": rule.days(current_app.config),
        "legal_basis": str(owner_of_rule(rule.key).legal_basis),
        "at_end": str(rule.at_end),
        "purged_automatically": rule.past_its_time is not None,
    }


def _system_row(entry: Entry) -> dict[str, Any]:
    return {
        "key": entry.key, "data": str(entry.data), "period": str(entry.retention_text),
        "days": None, "legal_basis": str(entry.legal_basis), "at_end": str(DELETED),
        "purged_automatically": False,
    }


def retention_schedule() -> list[dict[str, Any]]:
    """Each kind of data: what it is, its period, legal basis and what happens at the end."""
    rows = [_rule_row(rule) for rule in RETENTION_RULES]
    return rows + [_system_row(entry) for entry in entries() if not entry.retention]


def entry_purposes(entry: Entry) -> list[str]:
    """An entry's purposes in the language being rendered (analytics: the cookie registry's)."""
    if entry.key == "page_views":
        return [str(c.description) for c in registry.optional_categories()
                if c.key == registry.ANALYTICS]
    return [str(p) for p in entry.purposes]


def entry_data(entry: Entry) -> list[str]:
    """What personal data an entry covers: its retention rules' kinds, or a system's words."""
    if not entry.retention:
        return [str(entry.data)]
    return [str(RULES_BY_KEY[key].data) for key in entry.retention]


def entry_retention(entry: Entry) -> list[str]:
    """How long an entry's data is kept, a line per retention rule (or a system's words)."""
    if not entry.retention:
        return [str(entry.retention_text)]
    return [f"{RULES_BY_KEY[key].data}: {rule_period(RULES_BY_KEY[key])}"
            for key in entry.retention]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _activity_row(name: str, people: list[str], transfers: str, anchor: str,
                  group: list[Entry]) -> dict[str, Any]:
    data = _unique([d for entry in group for d in entry_data(entry)])
    if any(entry.key == "page_views" for entry in group):
        data += [f"Cookie {c['name']}: {c['purpose']}" for c in registry.as_json()["cookies"]
                 if c["category"] == registry.ANALYTICS]
    return {
        "activity": name,
        "purposes": _unique([p for entry in group for p in entry_purposes(entry)]),
        "legal_basis": sorted({str(entry.legal_basis) for entry in group}),
        "categories_of_data": data,
        "categories_of_people": people,
        "recipients": _unique([str(r) for entry in group for r in entry.recipients]),
        "transfers": transfers,
        "retention": _unique([r for entry in group for r in entry_retention(entry)]),
        "policy_section": url_for("policy.current", _anchor=anchor) if anchor else "",
    }


def _activity_rows() -> list[dict[str, Any]]:
    register = entries()
    rows = [_activity_row(a.name, list(a.people), a.transfers, a.policy_anchor,
                          [e for e in register if e.activity == a.key]) for a in ACTIVITIES]
    for entry in register:
        if entry.system_id is not None:
            rows.append(_activity_row(entry.activity, ["Customers of the API"],
                                      entry_transfers(entry), "", [entry]))
    return rows


def entry_transfers(entry: Entry) -> str:
    """A system's transfers: where its processor keeps the data."""
    return "; ".join(str(r) for r in entry.recipients) or NO_TRANSFER


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
        "activities": _activity_rows(),
        "security_measures": list(SECURITY_MEASURES),
    }


def export_processing() -> dict[str, dict[str, Any]]:
    """The export's Art. 15(1) section, in the language being rendered: for each kind of data
    the export holds (and each system outside the site), its purposes, legal basis,
    recipients and retention."""
    return {
        entry.export_key or str(entry.activity): {
            "data": entry_data(entry),
            "purposes": entry_purposes(entry),
            "legal_basis": str(entry.legal_basis),
            "recipients": [str(r) for r in entry.recipients],
            "retention": "; ".join(entry_retention(entry)),
        }
        for entry in entries() if entry.export_key or entry.system_id is not None
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
    group = [entry for entry in SITE_ENTRIES if entry.activity == activity_key]
    rules = [RULES_BY_KEY[key] for entry in group for key in entry.retention]
    purposes = _unique([p for entry in group for p in entry_purposes(entry)])
    return {
        "purposes": [lower_first(p) for p in purposes],
        "periods": [_("%(data)s: %(period)s", data=rule.data,
                      period=rule_period(rule, starts_sentence=False)) for rule in rules],
        "policy_url": url_for("policy.current", _anchor=activity.policy_anchor),
        "retention_url": url_for("records.retention", _anchor=rules[0].key),
    }
