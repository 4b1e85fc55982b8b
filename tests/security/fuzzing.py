"""Hostile input for the fuzz tests: odd text, duplicate fields, bytes that are not UTF-8,
bodies of the wrong type, and a check that the site answered without failing."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import quote, quote_from_bytes, urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

URLENCODED = "application/x-www-form-urlencoded"

# Modest example counts keep the whole file fast; every run draws new examples.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
    ],
)

NASTY = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\r\n", "\n\n\n", "\t", "\x7f", "\x1b[31m", "\ufeff", "\ufffd",
    "\u202e", "\u0000\u0000", "🙂" * 50, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "é", "e\u0301", "ß", "İ", "ﬃ",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --",
    "../../../etc/passwd", "%00", "%ff", "{{7*7}}", "${7*7}", "0", "-1", "1.5", "1e308",
    "99999999999999999999999999", "NaN", "//evil.example", "https://evil.example/",
    "/\\evil.example", "javascript:alert(1)", "x@y", "a@b.c", "@", "a" * 255 + "@example.com",
    "on", "y", "true", "accept_all", "reject_all", "save", "publish", "discard", "preview",
    "2025-02-30", "9999-12-31", "0000-00-00", "RR-AAAAAAAA", "SR-AAAAAAAA",
])
TEXT = st.text(max_size=200)  # any code point but surrogates: control characters, NUL too
LONG = st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=4),
                 st.integers(min_value=1_000, max_value=70_000))
# A server takes request lines of a few kB (gunicorn: 4094 bytes): longer queries never arrive.
LONG_QUERY = st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=4),
                       st.integers(min_value=100, max_value=1_000))
VALUE = st.one_of(NASTY, TEXT, LONG)


def repeated(value: st.SearchStrategy[str]) -> st.SearchStrategy[str | list[str]]:
    """A value, several values, or the same value several times, for one field."""
    return st.one_of(
        value,
        st.lists(value, min_size=2, max_size=4),
        st.builds(lambda one, times: [one] * times, value, st.integers(2, 4)),
    )


FIELD_VALUE = repeated(VALUE)
QUERY_VALUE = repeated(st.one_of(NASTY, TEXT, LONG_QUERY))
RAW = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=100).map(lambda b: quote_from_bytes(b).encode()),  # %ff: not UTF-8
)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@dataclass(frozen=True)
class Upload:
    """A file sent in a form field."""

    content: bytes
    filename: str

    def as_file(self) -> tuple[io.BytesIO, str]:
        """A fresh file object for the test client (it closes what it sends)."""
        return io.BytesIO(self.content), self.filename


UPLOAD = st.builds(Upload, st.binary(max_size=200), st.sampled_from(["a.txt", "", "é.json"]))


@dataclass
class Request:
    """What to send: form fields, or a raw body with its content type; query; headers."""

    data: dict | bytes | None = None
    content_type: str | None = None
    query: dict | bytes | None = None
    headers: dict = field(default_factory=dict)

    def kwargs(self) -> dict:
        """Keyword arguments for the test client."""
        out: dict = {"headers": self.headers}
        if isinstance(self.data, dict):
            out["data"] = {
                name: value.as_file() if isinstance(value, Upload) else value
                for name, value in self.data.items()
            }
        elif self.data is not None:
            out["data"] = self.data
        if self.content_type:
            out["content_type"] = self.content_type
        if isinstance(self.query, bytes):  # already percent-encoded: ASCII
            out["query_string"] = self.query.decode("ascii")
        elif self.query:
            out["query_string"] = urlencode(
                [(k, v) for k, values in self.query.items()
                 for v in (values if isinstance(values, list) else [values])]
            )
        return out


def forms(
    fields: tuple[str, ...], values: st.SearchStrategy = FIELD_VALUE
) -> st.SearchStrategy[dict]:
    """Any subset of the fields, each with hostile values."""
    return st.fixed_dictionaries({}, optional={name: values for name in fields})


def raw_form(fields: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    """A urlencoded body whose values are raw bytes (often not UTF-8 at all)."""
    pairs = st.lists(st.tuples(st.sampled_from(fields), RAW), max_size=len(fields) + 2)
    return pairs.map(lambda items: b"&".join(k.encode() + b"=" + v for k, v in items))


def bodies(fields: tuple[str, ...]) -> st.SearchStrategy[Request]:
    """Form posts (urlencoded or multipart), raw bytes, files, JSON, bodies of the wrong type."""
    accept = st.sampled_from([{}, {"Accept": "application/json"}])
    by_field = {name: st.one_of(FIELD_VALUE, UPLOAD) for name in fields}
    return st.one_of(
        st.builds(Request, data=st.fixed_dictionaries({}, optional=by_field),
                  content_type=st.just("multipart/form-data")),
        st.builds(Request, data=st.one_of(
            JSON, st.fixed_dictionaries({}, optional={name: JSON for name in fields})
        ).map(lambda value: json.dumps(value).encode()), content_type=st.just("application/json")),
        st.builds(Request, data=forms(fields), headers=accept),
        st.builds(Request, data=forms(fields), content_type=st.just("multipart/form-data")),
        st.builds(Request, data=raw_form(fields), content_type=st.just(URLENCODED)),
        st.builds(
            Request, data=st.binary(max_size=500),
            content_type=st.sampled_from([
                URLENCODED, "multipart/form-data; boundary=xyz", "multipart/form-data",
                "application/json", "text/plain; charset=utf-16", "application/octet-stream",
            ]),
        ),
    )


def queries(params: tuple[str, ...]) -> st.SearchStrategy[Request]:
    """Query strings: hostile values, repeated parameters, or raw percent-encoded bytes."""
    raw = st.lists(st.tuples(st.sampled_from(params), RAW), max_size=4).map(
        lambda items: b"&".join(k.encode() + b"=" + quote_from_bytes(v).encode() for k, v in items)
    )
    return st.one_of(
        st.builds(Request, query=forms(params, values=QUERY_VALUE)), st.builds(Request, query=raw)
    )


def path_segments() -> st.SearchStrategy[str]:
    """One URL path segment, percent-encoded: text of any kind, or bytes that are not UTF-8."""
    return st.one_of(
        NASTY.filter(bool).map(lambda s: quote(s, safe="")),
        st.text(min_size=1, max_size=300).map(lambda s: quote(s, safe="")),
        st.binary(min_size=1, max_size=100).map(lambda b: quote_from_bytes(b, safe="")),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
    )


class ServerErrors(logging.Handler):
    """Keeps the log records of failures the site caught (they carry the traceback)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def check_answer(response: TestResponse, errors: ServerErrors, what: str) -> None:
    """Never a 5xx, never a traceback or a debugger page in the body."""
    body = response.get_data()
    logged = "\n".join(errors.format(record) for record in errors.records)
    errors.records.clear()
    assert response.status_code < 500, f"{what} -> {response.status_code}\n{logged}"
    for leak in (b"Traceback (most recent call last)", b'File "/', b"werkzeug.debug"):
        assert leak not in body, f"{what}: the body shows {leak!r}"
