"""The public policy pages."""

from __future__ import annotations

from datetime import date, timedelta

from website.policy.service import publish_version


def publish(app, markdown: str, effective: date, **kwargs) -> int:
    with app.app_context():
        return publish_version(markdown, effective, **kwargs).number


def test_current_policy_page(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Version 1" in page
    assert "effective 11 August 2025" in page
    assert 'id="your-rights"' in page
    assert 'href="#your-rights"' in page
    assert 'href="/privacy/versions"' in page
    assert '<link rel="alternate" type="text/markdown" href="/privacy/versions/1.md"' in page
    assert "We do not sell personal data." in page


def test_privacy_answers_conditional_requests(client):
    first = client.get("/privacy")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/privacy", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_markdown_source(client):
    response = client.get("/privacy/versions/1.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert "## Your Rights" in response.get_data(as_text=True)


def test_unknown_version_is_404(client):
    assert client.get("/privacy/versions/99").status_code == 404
    assert client.get("/privacy/versions/99.md").status_code == 404


def test_old_version_is_marked_and_links_to_current(app, client):
    publish(app, "## Your Rights\n\nYou may ask us anything.\n", date(2025, 9, 1), summary="New")
    page = client.get("/privacy/versions/1").get_data(as_text=True)
    assert "This is not the current version." in page
    assert 'href="/privacy"' in page
    current = client.get("/privacy").get_data(as_text=True)
    assert "Version 2" in current and "You may ask us anything." in current


def test_future_version_is_upcoming_not_current(app, client):
    upcoming = date.today() + timedelta(days=10)
    publish(app, "## Later\n\nNot yet.\n", upcoming, summary="Coming soon")
    assert "Version 1" in client.get("/privacy").get_data(as_text=True)
    listing = client.get("/privacy/versions").get_data(as_text=True)
    assert "upcoming" in listing and "Coming soon" in listing
    assert "This version is upcoming" in client.get("/privacy/versions/2").get_data(as_text=True)


def test_same_effective_date_highest_number_wins(app, client):
    publish(app, "## A\n\nSecond.\n", date(2025, 8, 11))
    assert "Version 2" in client.get("/privacy").get_data(as_text=True)


def test_diff_marks_insertions_and_deletions(app, client):
    publish(app, "## Your Rights\n\nYou may request deletion today.\n", date(2025, 9, 1))
    response = client.get("/privacy/diff?from=1&to=2")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<ins>" in page and "<del>" in page
    assert "today." in page


def test_diff_bad_query_is_400_and_unknown_version_404(client):
    # Without any number: the latest change (issue 27, item 15, tests/policy/test_latest_diff.py).
    for query in ("?from=1", "?from=a&to=1", "?from=1&to=-2", "?from=%00&to=1"):
        response = client.get(f"/privacy/diff{query}")
        assert response.status_code == 400, query
        assert "Give two version numbers" in response.get_data(as_text=True)
    assert client.get("/privacy/diff?from=1&to=42").status_code == 404


def test_versions_list(client):
    page = client.get("/privacy/versions").get_data(as_text=True)
    assert "Version 1" in page and "11 August 2025" in page and "current" in page
    assert "2025-08-11" not in page  # one date format for people


def test_reading_aids_on_the_current_policy(app, client):
    """Each heading links to itself; 'Last updated' links the diff; the date is the version's."""
    from datetime import date

    from website.policy.service import publish_version

    with app.app_context():
        old = publish_version("Effective date: 1 January 1999\n\n## Your Rights\n\nAsk us.\n",
                              date(2025, 8, 12), "first").number
        new = publish_version("Effective date: 1 January 1999\n\n## Your Rights\n\nAsk.\n",
                              date(2025, 9, 2), "Clearer rights").number
    page = client.get("/privacy").get_data(as_text=True)
    assert ('<a class="heading-anchor" href="#your-rights" '
            'aria-label="Link to the section Your Rights">#</a>') in page
    assert "Last updated 2 September 2025</strong>: Clearer rights" in page
    assert (f'href="/privacy/diff?from={old}&amp;to={new}">'
            f'See what changed from version {old}</a>') in page
    assert "effective 2 September 2025" in page
    assert "1 January 1999" not in page


def test_largest_database_number_is_still_looked_up(app):
    """The router's limit (website/routing.py) is exactly the database's: 2**31 - 1 is served."""
    with app.app_context():
        publish_version("# Largest\n\nThe last number.\n", date(2025, 1, 1), number=2147483647)
    client = app.test_client()
    response = client.get("/privacy/versions/2147483647")
    assert response.status_code == 200 and "Version 2147483647" in response.get_data(as_text=True)
    assert client.get("/privacy/versions/2147483648").status_code == 404
