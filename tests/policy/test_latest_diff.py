"""/privacy/diff without numbers shows the latest change (issue 27, item 15); a malformed
query is still a 400."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from website.policy.service import publish_version

POLICY = (Path(__file__).resolve().parents[2] / "content" / "policy.md").read_text("utf-8")


def main(page: str) -> str:
    """The page's <main>: what it shows, without the links to itself in the head."""
    return page[page.index("<main"):page.index("</main>")]


def test_without_numbers_the_latest_change_is_shown(app, client):
    with app.app_context():
        publish_version(POLICY.replace("We do not sell personal data.",
                                       "We never sell personal data."),
                        date(2025, 9, 1), "Clearer", material=False)
    response = client.get("/privacy/diff")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert main(page) == main(client.get("/privacy/diff?from=1&to=2").get_data(as_text=True))
    assert "<ins>never</ins>" in page


def test_with_one_version_it_compares_that_version_with_itself(client):
    response = client.get("/privacy/diff")
    assert response.status_code == 200
    assert main(response.get_data(as_text=True)) == main(
        client.get("/privacy/diff?from=1&to=1").get_data(as_text=True))


def test_a_malformed_query_is_still_a_bad_request(client):
    for query in ("?from=1", "?to=1", "?from=one&to=1", "?from=&to="):
        assert client.get("/privacy/diff" + query).status_code == 400, query
    assert client.get("/de/privacy/diff").status_code == 200
