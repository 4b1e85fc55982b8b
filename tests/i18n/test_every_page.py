"""Every public, account and request page answers in German and French: the right `lang`, and no
string of the interface catalogue left in English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from website.i18n import PREFIXED, TRANSLATIONS

PUBLIC = ["/", "/privacy", "/privacy/versions", "/privacy/versions/1", "/privacy/diff?from=1&to=1",
          "/privacy/retention", "/cookies", "/support", "/rights", "/login", "/register",
          "/password/forgot", "/nope"]
ACCOUNT = ["/account"]
SHOWN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "content")
SKIPPED = ("script", "style")


class ShownText(HTMLParser):
    """The text a reader sees or hears, leaving out what is marked as another language."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale, self.stack, self.parts = locale, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        foreign = bool(values.get("lang")) and values["lang"] != self.locale
        hidden = tag in SKIPPED or foreign or bool(self.stack and self.stack[-1][1])
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source"):
            self.stack.append((tag, hidden))
        if not hidden:
            self.parts += [values[name] or "" for name in SHOWN_ATTRIBUTES if name in values]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def shown_text(html: str, locale: str) -> str:
    parser = ShownText(locale)
    parser.feed(html)
    return parser.text()


def english_left(locale: str, text: str) -> list[str]:
    """Catalogue strings whose translation differs, found in English in the text."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalogue = read_po(po_file, locale=locale)
    # Words the translations use too (names such as "Global Privacy Control", or "Version",
    # which German shares) are not English left behind.
    translated = " ".join(
        " ".join(message.string) if isinstance(message.string, tuple) else message.string
        for message in catalogue if message.id)
    left = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        # The fixed words between placeholders and markup: each must not be there in English.
        for piece in re.split(r"%\([a-z_]+\)[sd]|<[^>]+>|\{[^}]*\}", message.id):
            piece = " ".join(piece.split()).strip(" .,:;!?()")
            if (len(piece) >= 4 and " " in piece or len(piece) >= 6) and piece not in translated:
                if re.search(rf"(?<![\w@.]){re.escape(piece)}(?![\w@])", text):
                    left.append(piece)
    return sorted(set(left))


@pytest.mark.parametrize("locale", PREFIXED)
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_answer_in_the_language_of_their_url(client, locale, path):
    response = client.get(f"/{locale}{path}")
    assert response.status_code == (404 if path == "/nope" else 200)
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert english_left(locale, shown_text(html, locale)) == []


@pytest.mark.parametrize("locale", PREFIXED)
@pytest.mark.parametrize("path", ACCOUNT)
def test_account_pages_answer_in_the_language_of_their_url(client, auth, locale, path):
    auth.login()
    response = client.get(f"/{locale}{path}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert english_left(locale, shown_text(html, locale)) == []


def test_the_check_finds_english_left_on_a_page():
    page = ('<html lang="de"><body><a href="/de/privacy">Privacy policy</a>'
            '<p lang="en">Privacy policy</p></body></html>')
    assert shown_text(page, "de") == "Privacy policy"
    assert "Privacy policy" in english_left("de", shown_text(page, "de"))
