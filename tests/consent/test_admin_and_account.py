"""Admin statistics pages, the dashboard tile, and what the account feature gets from consent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from website.consent import service, stats
from website.consent.models import AppendOnlyError, ConsentRecord, PageView
from website.extensions import db, utcnow


def add_records(app, days_ago: int, accepted: int, refused: int) -> None:
    when = utcnow() - timedelta(days=days_ago)
    with app.app_context():
        for i in range(accepted + refused):
            granted = ["necessary", "analytics"] if i < accepted else ["necessary"]
            db.session.add(ConsentRecord(
                consent_id=f"id-{days_ago}-{i}-padding", granted=granted,
                refused=[] if i < accepted else ["analytics"], policy_version=1, source="banner",
                created_at=when))
        db.session.commit()


@pytest.mark.parametrize("path", ["/admin/consents", "/admin/analytics"])
def test_admin_pages_are_guarded(app, client, auth, path):
    auth.login()
    assert client.get(path).status_code == 403
    auth.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_consent_statistics_per_day_with_share(app, client, auth):
    add_records(app, 0, accepted=3, refused=1)
    add_records(app, 2, accepted=0, refused=2)
    add_records(app, 120, accepted=5, refused=0)  # outside the 90 days
    with app.app_context():
        days = stats.consent_per_day(90)
        assert len(days) == 90 and days[-1].day == utcnow().date()
        assert (days[-1].decisions, days[-1].analytics, days[-1].share) == (4, 3, 0.75)
        assert (days[-3].decisions, days[-3].share) == (2, 0.0)
        assert days[-2].share is None
        summary = stats.consent_summary(30)
        assert (summary.decisions, summary.analytics) == (6, 3)
    auth.login(admin=True)
    page = client.get("/admin/consents").get_data(as_text=True)
    assert page.count("<svg") == 2
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart\d+-title chart\d+-desc"',
                     page)
    assert "<title id=" in page and "style=" not in page
    today = utcnow().date().isoformat()
    assert f"<tr><td>{today}</td><td>4</td><td>3</td>\n      <td>75%</td></tr>" in page
    assert "6 decisions" in page and "50% allowing analytics" in page


def test_page_view_statistics_and_top_pages(app, client, auth):
    with app.app_context():
        for path, n in (("/privacy", 3), ("/", 1)):
            for i in range(n):
                db.session.add(PageView(path=path, visitor_id=f"visitor-{i}"))
        db.session.add(PageView(path="/old", visitor_id="v", created_at=utcnow() - timedelta(
            days=200)))
        db.session.commit()
    auth.login(admin=True)
    page = client.get("/admin/analytics").get_data(as_text=True)
    assert "<svg" in page and "style=" not in page
    assert "<tr><td><code>/privacy</code></td><td>3</td></tr>" in page
    assert "<tr><td><code>/</code></td><td>1</td></tr>" in page
    assert "/old" not in page
    assert f"<tr><td>{utcnow().date().isoformat()}</td><td>4</td><td>3</td></tr>" in page


def test_dashboard_tile_partial(app, client, auth):
    add_records(app, 1, accepted=1, refused=1)
    auth.login(admin=True)
    html = client.get("/admin/").get_data(as_text=True)
    assert "2 decisions" in html and "50% allowing analytics" in html
    assert 'href="/admin/consents"' in html


def test_account_partial_lists_the_users_decisions(app, client, auth, rows):
    user_id = auth.login()
    client.post("/cookies/consent", data={"choice": "accept_all"})
    client.post("/cookies/consent", data={"choice": "reject_all", "origin": "settings"})
    auth.logout()
    client.post("/cookies/consent", data={"choice": "accept_all"})  # anonymous: not theirs
    with app.app_context():
        records = service.consent_records_for_user(user_id)
    assert [r["source"] for r in records] == ["withdrawal", "banner"]
    assert records[0]["refused"] == ["analytics"] and records[0]["created_at"].endswith("Z")
    auth.login(user_id)
    html = client.get("/account").get_data(as_text=True)
    html = html[html.index("Your cookie consent history"):]
    assert "Your cookie consent history" in html
    assert html.count("<tr>") == 3 and "withdrawal" in html and records[0]["consent_id"] in html


def test_unlink_user_keeps_the_proof_without_the_user(app, client, auth, rows):
    user_id = auth.login()
    client.post("/cookies/consent", data={"choice": "accept_all"})
    with app.app_context():
        assert service.unlink_user(user_id) == 1
        db.session.commit()
        assert service.consent_records_for_user(user_id) == []
    [record] = rows.consent_records()
    assert record.user_id is None and record.granted == ["necessary", "analytics"]


def test_consent_records_are_append_only(app, client, rows):
    client.post("/cookies/consent", data={"choice": "accept_all"})
    with app.app_context():
        record = db.session.get(ConsentRecord, rows.consent_records()[0].id)
        record.granted = ["necessary"]
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    assert rows.consent_records()[0].granted == ["necessary", "analytics"]


def test_charts_have_visible_titles_and_their_table_behind_a_disclosure(app, client, auth):
    add_records(app, 0, accepted=1, refused=1)
    auth.login(admin=True)
    page = client.get("/admin/consents").get_data(as_text=True)
    assert "<figcaption>Consent decisions per day, last 90 days</figcaption>" in page
    assert page.count("<figcaption>") == 2
    details = page[page.index("<details>"):page.index("</details>")]
    assert "<summary>The numbers behind the charts: 1 day with decisions</summary>" in details
    assert details.count("<tr><td>") == 1  # the 89 days without a decision are left out
    views = client.get("/admin/analytics").get_data(as_text=True)
    assert "<figcaption>Page views per day, last 90 days</figcaption>" in views
    assert "<details>" in views and "No page views in the last 90 days." in views
