"""Static files: fingerprinted names, served immutable and pre-compressed (WhiteNoise)."""

from __future__ import annotations

import re

import brotli
from flask.testing import FlaskClient

from tests.fixtures.static import FINGERPRINT

IMMUTABLE = "public, max-age=31536000, immutable"


def linked_assets(client: FlaskClient) -> list[str]:
    """The stylesheet, icon and script a first visit's page links to."""
    page = client.get("/").text
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_pages_link_fingerprinted_names(client: FlaskClient) -> None:
    assets = linked_assets(client)
    assert len(assets) == 4  # the stylesheet, the icon, the forms' and the banner's scripts
    for url in assets:
        assert re.search(rf"{FINGERPRINT}\.(css|js|svg)$", url), url


def test_fingerprinted_files_are_immutable_and_precompressed(client: FlaskClient) -> None:
    for url in linked_assets(client):
        plain = client.get(url)
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == IMMUTABLE
        assert plain.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Encoding" not in plain.headers
        squeezed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert squeezed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(squeezed.get_data()) == plain.get_data()
        assert "Accept-Encoding" in squeezed.headers["Vary"]
        assert client.get(url, headers={"Accept-Encoding": "gzip"}).headers[
            "Content-Encoding"] == "gzip"


def test_plain_names_are_revalidated(client: FlaskClient) -> None:
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert "max-age=0" in response.headers["Cache-Control"]


def test_static_files_answer_conditional_requests_by_the_one_rule(client: FlaskClient) -> None:
    """If-None-Match as a list, `*` and weak tags; If-Modified-Since only without it."""
    first = client.get("/static/css/site.css")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        again = client.get("/static/css/site.css", headers={"If-None-Match": header})
        assert again.status_code == 304 and again.get_data() == b"", header
    assert client.get("/static/css/site.css",
                      headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/static/css/site.css",
                      headers={"If-Modified-Since": modified}).status_code == 304
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get("/static/css/site.css", headers=both).status_code == 200
