"""The retention schedule is easy to find (issue 27, item 4): linked under the policy's
retention section (in each language's text), from the footer of every page and the home page."""

from __future__ import annotations

import re

import pytest


def section_link(page: str, heading_id: str) -> bool:
    """Is the schedule linked right under the heading `heading_id` (before the next paragraph)?"""
    found = re.search(rf'<h2 id="{re.escape(heading_id)}">.*?</h2>\s*<p class="section-link"[^>]*>'
                      r'<a href="([^"]+)">', page, re.S)
    return found is not None and found.group(1).endswith("/privacy/retention")


@pytest.mark.parametrize(("prefix", "heading_id"), [
    ("", "data-retention"), ("/de", "speicherdauer"), ("/fr", "conservation-des-données")])
def test_the_policy_links_the_schedule_under_its_retention_section(client, prefix, heading_id):
    page = client.get(prefix + "/privacy").get_data(as_text=True)
    assert section_link(page, heading_id), page[page.find(heading_id) - 50:][:600]
    assert page.count('class="section-link"') == 1


def test_an_older_version_links_it_too(client):
    assert section_link(client.get("/privacy/versions/1").get_data(as_text=True),
                        "data-retention")


def test_the_german_link_reads_german(client):
    page = client.get("/de/privacy").get_data(as_text=True)
    assert '<a href="/de/privacy/retention">' in page


@pytest.mark.parametrize("path", ["/", "/cookies", "/support", "/privacy/versions"])
def test_the_footer_links_the_schedule(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = page[page.index('<footer'):]
    assert 'href="/privacy/retention"' in footer


def test_the_home_page_has_a_card_for_it(client):
    page = client.get("/").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert re.search(r'<h2><a href="/privacy/retention">How long we keep data</a></h2>', main)
