"""No page carries what the CSP would block: inline scripts, style attributes or elements,
inline event handlers, javascript: URLs. Crawls every HTML page of the route table, as each
role sees it, and the pages forms answer with."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.security.routes import ROUTES, html_pages
from tests.security.world import ROLES, World

HOSTILE_MARKDOWN = (
    "# Privacy\n\n<p style=\"color:red\" onclick=\"steal()\">Hi</p>\n\n"
    "<script>alert(1)</script><style>p{}</style>\n\n[x](javascript:alert(1))\n"
)


class InlineCodeFinder(HTMLParser):
    """Collects every piece of markup a strict `script-src 'self'; style-src 'self'` blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            elif name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip(
            ).lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    """What in this page the CSP would block."""
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_finder_finds_what_it_looks_for() -> None:
    page = (
        '<script>x()</script><script src="/static/js/a.js"></script><p style="x">'
        '<a href="JavaScript:x()" onclick="y()">a</a><style></style><br style="y"/>'
    )
    assert inline_code(page) == [
        "<script> without src", "style= on <p>", "javascript: URL in <a href>",
        "onclick= on <a>", "<style> element", "style= on <br>",
    ]


@pytest.fixture
def world(module_world: World) -> World:
    """One world for the module (these tests only read, or make fresh things)."""
    return module_world


@pytest.fixture(scope="module", autouse=True)
def hostile_draft(module_world: World) -> None:
    """The admin's draft holds markup the sanitiser must drop from previews."""
    client = module_world.client("admin")
    response = client.post(f"/admin/policy/drafts/{module_world.draft_id}",
                           data={"markdown": HOSTILE_MARKDOWN, "action": "save"})
    assert response.status_code == 303


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_free_of_inline_code(world: World, role: str) -> None:
    """Every HTML page the role may open, as the role sees it."""
    pages = html_pages(world.app, role)
    assert len(pages) > 5
    found = {}
    for route in pages:
        client = world.client(role)
        url = route.url(world.app, world)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/html", url
        problems = inline_code(response.get_data(as_text=True))
        if problems:
            found[url] = problems
    assert not found


@pytest.mark.parametrize("role", ["anonymous", "user", "admin"])
def test_form_answers_are_free_of_inline_code(world: World, role: str) -> None:
    """The pages forms answer with (errors shown, empty form sent), for every POST route."""
    found, pages = {}, 0
    for route in ROUTES:
        if route.method != "POST":
            continue
        response = world.client(role).post(route.url(world.app, world), data={})
        if response.mimetype == "text/html" and not response.location:  # a page, not a redirect
            pages += 1  # the form again with its errors (200, 400, 401) or an error page
            problems = inline_code(response.get_data(as_text=True))
            if problems:
                found[f"{route} as {role}"] = problems
    assert not found
    assert pages >= 5, "hardly any form answered with a page: the check looked at nothing"


def test_error_pages_and_preview_are_free_of_inline_code(world: World) -> None:
    """404, 405, 400 and 403 pages, and the admin's preview of a hostile draft."""
    anonymous, user, admin = (world.client(role) for role in ("anonymous", "user", "admin"))
    answers = [
        anonymous.get("/no/such/page"),
        anonymous.get("/logout"),
        anonymous.get("/privacy/diff?from=x&to=1"),
        user.get("/admin/"),
        admin.post(f"/admin/policy/drafts/{world.draft_id}",
                   data={"markdown": HOSTILE_MARKDOWN, "action": "preview"}),
        admin.get(f"/admin/policy/drafts/{world.draft_id}"),
    ]
    assert [a.status_code for a in answers] == [404, 405, 400, 403, 200, 200]
    preview = answers[4].get_data(as_text=True)
    assert "Hi</p>" in preview
    for answer in answers:
        assert inline_code(answer.get_data(as_text=True)) == [], answer.request.path
