"""The admin bar on every admin page, only the pages the account's roles open, and a dashboard
without repeated links (issue 27, item 10)."""

from __future__ import annotations

import re

ALL_PAGES = ["/admin/policy", "/admin/support", "/admin/rights", "/admin/audit",
             "/admin/systems", "/admin/incidents"]


def bar_links(page: str) -> list[str]:
    """The hrefs of the admin bar."""
    found = re.search(r'<nav class="admin-bar" aria-label="Admin pages">(.*?)</nav>', page, re.S)
    assert found, "no admin bar"
    return re.findall(r'href="([^"]+)"', found.group(1))


def test_every_admin_page_has_the_bar_with_the_page_marked(app, client, auth):
    auth.login(admin=True)
    for path in ALL_PAGES:
        page = client.get(path).get_data(as_text=True)
        links = bar_links(page)
        assert links[0] == "/admin/" and set(ALL_PAGES) <= set(links), path
        assert f'<a href="{path}" aria-current="page">' in page, path
    detail = client.get("/admin/rights/new").get_data(as_text=True)
    assert '<a href="/admin/rights" aria-current="page">' in detail  # a page under the queue


def test_the_bar_shows_only_what_the_roles_open(app, client, auth, users):
    editor = users.create(email="eve@example.com", roles="policy_editor")
    auth.login(editor)
    links = bar_links(client.get("/admin/policy").get_data(as_text=True))
    assert "/admin/policy" in links
    assert "/admin/rights" not in links and "/admin/audit" not in links


def test_the_public_pages_have_no_admin_bar(app, client, auth):
    auth.login(admin=True)
    assert 'class="admin-bar"' not in client.get("/privacy").get_data(as_text=True)


def test_the_dashboard_repeats_no_link(app, client, auth):
    auth.login(admin=True)
    page = client.get("/admin/").get_data(as_text=True)
    main = page[page.index('<main'):page.index('</main>')]
    links = re.findall(r'href="([^"]+)"', main)
    assert links and len(links) == len(set(links)), sorted(links)
