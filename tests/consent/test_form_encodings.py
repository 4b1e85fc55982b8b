"""The same consent form sent urlencoded (the banner's script, a form without JavaScript) and
as multipart (what the script sent before, and any client may): the same status, JSON, header
values, cookies and stored row, whatever the fields, cookies and signals (Hypothesis)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_from_bytes

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.consent.conftest import Db
from website.consent.models import ConsentRecord
from website.consent.service import decode_choice
from website.extensions import db

NAMES = ["choice", "origin", "next", "gpc_exception", "analytics", "necessary", "website",
         "csrf_token", "x y", "émoji✓"]
VALUES = [b"accept_all", b"reject_all", b"save", b"on", b"false", b"", b"banner", b"settings",
          b"/privacy", b"//evil.example/", b"maybe", b"\xc3\xa9t\xc3\xa9",
          b"\xe9", b"accept_\xffall", b"\xc3"]  # the last three are not UTF-8
field_lists = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=6)
choices = st.one_of(st.none(), st.sampled_from([b"accept_all", b"reject_all", b"save"]))
headers = st.fixed_dictionaries({
    "Accept": st.sampled_from([None, "application/json", "*/*",
                               "text/html,application/xhtml+xml,*/*;q=0.8"]),
    "Sec-GPC": st.sampled_from([None, "1", "0"]),
    "Sec-Fetch-Site": st.sampled_from([None, "same-origin", "none", "same-site", "cross-site"]),
    "Origin": st.sampled_from([None, "http://localhost", "https://attacker.example"]),
    "User-Agent": st.sampled_from([None, "Mozilla/5.0 Chrome/131.0 Safari/537.36"]),
})
cookies = st.sampled_from(["none", "granted", "refused", "gpc_exception", "forged", "analytics"])
BOUNDARY = "----WebKitFormBoundaryQ2xpY2tDb25zZW50"


def urlencoded(fields: list[tuple[str, bytes]]) -> bytes:
    """The fields as a browser urlencodes them (every byte escaped that needs it)."""
    return "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v)}"
                    for n, v in fields).encode()


def multipart(fields: list[tuple[str, bytes]]) -> bytes:
    """The fields as a browser sends FormData (names escaped as Chromium does: none here)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n'.encode()
             + v + b"\r\n" for n, v in fields]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def cookie_header(rows: Db, kind: str) -> str | None:
    """The Cookie header a visitor in this state sends."""
    if kind == "none":
        return None
    if kind == "forged":
        return "consent=" + "x" * 40
    if kind == "analytics":
        return "analytics_id=" + "v" * 24
    granted = ("analytics",) if kind in ("granted", "gpc_exception") else ()
    origin = "gpc_exception" if kind == "gpc_exception" else "banner"
    value = rows.forge_choice(granted, origin=origin, consent_id="a-consent-id-" + kind)
    return f"consent={value}; analytics_id={'v' * 24}"


def comparable(app: Flask, response: Any, new_id: bool) -> dict[str, Any]:
    """The answer with only what must differ between two requests made in turn: a new
    consent id and the second in the cookie's signature, date and expiry."""
    body = response.get_json(silent=True)
    if new_id and isinstance(body, dict) and "consent_id" in body:
        body = {**body, "consent_id": "<new>"}
    heads = []
    for name, value in response.headers:
        if name == "Set-Cookie":
            cookie, _, attributes = value.partition("; ")
            cookie_name, _, cookie_value = cookie.partition("=")
            attributes = "; ".join(a for a in attributes.split("; ")
                                   if not a.startswith("Expires="))
            with app.test_request_context():
                if cookie_name == "consent" and cookie_value:
                    stored = decode_choice(cookie_value)
                    assert stored is not None
                    cookie_value = repr((stored.granted, stored.policy_version, stored.origin,
                                         stored.registry_fingerprint,
                                         "<new>" if new_id else stored.consent_id))
                elif cookie_name == "session" and cookie_value:
                    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
                    cookie_value = repr(serializer.loads(cookie_value))
            value = f"{cookie_name}={cookie_value}; {attributes}"
        heads.append((name, value))
    return {"status": response.status_code, "json": body, "body": body is None and
            response.get_data(), "headers": heads}


def rows_after(app: Flask, last_id: int, new_id: bool) -> list[dict[str, Any]]:
    """The proof rows stored after `last_id`, every column but the row id and the time."""
    with app.app_context():
        records = db.session.scalars(select(ConsentRecord).where(ConsentRecord.id > last_id)
                                     .order_by(ConsentRecord.id)).all()
        columns = [c.key for c in ConsentRecord.__table__.columns
                   if c.key not in ("id", "created_at")]
        return [{c: ("<new>" if c == "consent_id" and new_id else getattr(r, c))
                 for c in columns} for r in records]


def last_row_id(app: Flask) -> int:
    """The newest proof row's id (0 when none)."""
    with app.app_context():
        return db.session.scalar(select(db.func.max(ConsentRecord.id))) or 0


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(choice=choices, fields=field_lists, sent=headers, cookie=cookies,
       path=st.sampled_from(["/cookies/consent", "/de/cookies/consent"]))
def test_multipart_and_urlencoded_get_the_same_answer_and_row(
    app, rows, choice, fields, sent, cookie, path
):
    if choice is not None:
        fields = [("choice", choice), *fields]
    sent = {name: value for name, value in sent.items() if value is not None}
    sent_cookie = cookie_header(rows, cookie)
    if sent_cookie:
        sent["Cookie"] = sent_cookie
    new_id = cookie in ("none", "forged", "analytics")
    answers = []
    for body, content_type in ((urlencoded(fields), "application/x-www-form-urlencoded"),
                               (multipart(fields), f"multipart/form-data; boundary={BOUNDARY}")):
        before = last_row_id(app)
        response = app.test_client(use_cookies=False).post(
            path, data=body, content_type=content_type, headers=sent)
        assert response.status_code < 500
        answers.append((comparable(app, response, new_id), rows_after(app, before, new_id)))
    (url_answer, url_rows), (multi_answer, multi_rows) = answers
    assert multi_answer == url_answer
    assert multi_rows == url_rows
    sets_choice = any(name == "Set-Cookie" and value.startswith("consent=")
                      for name, value in url_answer["headers"])
    assert len(url_rows) == sets_choice  # one proof row for each choice remembered


def test_the_differential_sees_a_difference(app, rows):
    """The comparison is not blind: two different choices compare unequal."""
    first = app.test_client(use_cookies=False).post(
        "/cookies/consent", data=b"choice=accept_all", headers={"Accept": "application/json"},
        content_type="application/x-www-form-urlencoded")
    second = app.test_client(use_cookies=False).post(
        "/cookies/consent", data=multipart([("choice", b"reject_all")]),
        headers={"Accept": "application/json"},
        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert comparable(app, first, True) != comparable(app, second, True)
