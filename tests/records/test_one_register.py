"""One processing register: the export's Art. 15 section, /privacy/retention and the Art. 30
record say the same purposes, legal basis, recipients and periods, from one list."""

from __future__ import annotations

import html
import re

from tests.rights.conftest import FORM
from website.records.register import SITE_ENTRIES, owner_of_rule
from website.retention import RETENTION_RULES
from website.rights.personal_data import export_personal_data


def retention_rows(client, prefix: str = "") -> dict[str, list[str]]:
    """/privacy/retention's rows: key -> [data, period, legal basis, at the end]."""
    page = client.get(f"{prefix}/privacy/retention").get_data(as_text=True)
    rows = re.findall(r'<tr id="([^"]+)">(.*?)</tr>', page, re.S)
    return {key: [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                  for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for key, row in rows}


def test_every_retention_rule_belongs_to_exactly_one_entry():
    for rule in RETENTION_RULES:
        owners = [entry.key for entry in SITE_ENTRIES if rule.key in entry.retention]
        assert len(owners) == 1, (rule.key, owners)


def test_export_retention_page_and_record_agree(app, client, auth):
    with app.test_request_context("/"):
        exported = export_personal_data(FORM["email"])["processing"]
    rows = retention_rows(client)
    auth.login(admin=True)
    record = client.get("/admin/processing.json").get_json()
    by_basis = {row["activity"]: row for row in record["activities"]}
    exported_keys = [entry for entry in SITE_ENTRIES if entry.export_key]
    assert {entry.export_key for entry in exported_keys} <= set(exported)
    for entry in exported_keys:
        part = exported[entry.export_key]
        for rule_key in entry.retention:
            data, period, basis, _ = rows[rule_key]
            assert basis == part["legal_basis"]  # the retention page and the export
            assert f"{data}: {period}" in part["retention"]
            # ...and the Art. 30 record: the activity holding this entry says the same.
            activity = next(row for row in record["activities"]
                            if f"{data}: {period}" in row["retention"])
            assert part["legal_basis"] in activity["legal_basis"]
            assert set(part["recipients"]) <= set(activity["recipients"])
            assert set(part["purposes"]) <= set(activity["purposes"])
    assert set(by_basis)  # the record is not empty
    # Sent email: one legal basis everywhere (the export once said "contract", the page
    # "legitimate interests").
    assert exported["emails"]["legal_basis"] == rows["sent_email"][2] == str(
        owner_of_rule("sent_email").legal_basis)


def test_export_is_in_the_requesters_language(app):
    with app.test_request_context("/"):
        english = export_personal_data(FORM["email"], locale="en")
        german = export_personal_data(FORM["email"], locale="de")
        french = export_personal_data(FORM["email"], locale="fr")
    assert english["keys"]["emails"].startswith("Emails we sent")
    for translated in (german, french):
        assert translated["keys"]["emails"] != english["keys"]["emails"]
        assert translated["your_rights"] != english["your_rights"]
        assert translated["processing"]["emails"]["legal_basis"] != \
            english["processing"]["emails"]["legal_basis"]
        assert translated["processing"]["support_requests"]["retention"] != \
            english["processing"]["support_requests"]["retention"]
    assert "Berechtigte Interessen" in german["processing"]["emails"]["legal_basis"]


def test_german_retention_page_and_german_export_agree(app, client):
    with app.test_request_context("/"):
        german = export_personal_data(FORM["email"], locale="de")["processing"]
    rows = retention_rows(client, "/de")
    data, period, basis, _ = rows["closed_support_requests"]
    assert german["support_requests"]["legal_basis"] == basis
    assert f"{data}: {period}" in german["support_requests"]["retention"]
