"""Published records: the retention schedule, the Art. 30 record, and notices at collection."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.consent.conftest import set_cookie_names
from website.records.register import owner_of_rule
from website.retention import RETENTION_RULES, purged_kinds


def test_retention_page_lists_every_rule_with_period_basis_and_end(client):
    response = client.get("/privacy/retention")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for rule in RETENTION_RULES:
        row = re.search(rf'<tr id="{rule.key}">(.*?)</tr>', page, re.S).group(1)
        assert str(owner_of_rule(rule.key).legal_basis).split(" (")[0] in row
        assert str(rule.at_end) in row
    row = re.search(r'<tr id="page_views">(.*?)</tr>', page, re.S).group(1)
    assert "2 years (730 days) from the visit" in row
    assert "6 years (2192 days)" in page  # the audit log
    assert set_cookie_names(response) <= {"session"}


def test_retention_page_follows_the_configuration_the_purge_uses(app, client):
    app.config["RETENTION_DAYS"] = {**app.config["RETENTION_DAYS"], "page_views": 400}
    row = re.search(r'<tr id="page_views">(.*?)</tr>',
                    client.get("/privacy/retention").get_data(as_text=True), re.S).group(1)
    assert "400 days from the visit" in row
    # Every kind the purge deletes is on the page, and only the page's kinds are purged.
    assert {kind for kind, _ in purged_kinds()} <= {rule.key for rule in RETENTION_RULES}


def test_processing_record_page_and_downloads(client, auth):
    auth.login(admin=True)
    page = client.get("/admin/processing").get_data(as_text=True)
    for heading in ("Customer accounts", "Support requests", "Data-rights requests",
                    "Proof of cookie consent", "First-party analytics",
                    "Audit log of admin actions", "Security measures"):
        assert heading in page
    assert "Transfers to third countries" in page
    response = client.get("/admin/processing.json")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    record = response.get_json()
    activities = {a["activity"]: a for a in record["activities"]}
    analytics = activities["First-party analytics"]
    assert any("analytics_id" in item for item in analytics["categories_of_data"])
    assert analytics["legal_basis"] == ["Consent (Art. 6(1)(a); PECR reg. 6)"]
    assert analytics["retention"][0].endswith("2 years (730 days) from the visit")
    for row in record["activities"]:
        assert row["purposes"] and row["categories_of_people"] and row["recipients"]
        assert row["transfers"] and row["retention"]
    assert record["security_measures"]
    download = client.get("/admin/processing.csv")
    assert download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [r["activity"] for r in rows] == [a["activity"] for a in record["activities"]]
    assert "6 years (2192 days)" in rows[-1]["retention"]


@pytest.mark.parametrize("path", ["/admin/processing", "/admin/processing.json",
                                  "/admin/processing.csv"])
def test_processing_record_is_for_admins_only(client, auth, path):
    assert client.get(path).status_code == 302
    auth.login()
    assert client.get(path).status_code == 403


@pytest.mark.parametrize(("path", "anchor", "period"), [
    ("/register", "how-we-use-data", "as long as the account exists"),
    ("/support", "how-we-use-data", "2 years (730 days) from closing"),
    ("/rights", "your-rights", "30 days from the request"),
])
def test_forms_carry_a_notice_at_collection(client, path, anchor, period):
    page = client.get(path).get_data(as_text=True)
    notice = re.search(r'<aside class="collection-notice".*?</aside>', page, re.S).group(0)
    assert "We use it to:" in notice
    assert period in notice
    assert f'href="/privacy#{anchor}"' in notice
    assert 'href="/privacy/retention#' in notice
    assert client.get("/privacy").get_data(as_text=True).count(f'id="{anchor}"') == 1
