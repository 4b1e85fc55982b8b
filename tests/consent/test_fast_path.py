"""A first visitor's banner click answered before Flask (website/consent/fastpath.py): the same
row, cookie, JSON, headers, refusals and rate limit as the view gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import empty_all_tables, make_app
from tests.consent.conftest import Db, set_cookie_header, set_cookie_names
from website.consent import registry
from website.consent.models import ConsentRecord
from website.extensions import db
from website.policy.service import ensure_first_version

SCRIPT = {"Accept": "application/json", "Sec-Fetch-Site": "same-origin",
          "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"}


def first_visitor(app: Flask) -> FlaskClient:
    """A browser with no cookie, after another visitor's decision has warmed the worker."""
    app.test_client().post("/cookies/consent", data={"choice": "reject_all"}, headers=SCRIPT)
    return app.test_client()


def test_first_visitor_choice_is_stored_with_every_column(app, rows):
    client = first_visitor(app)
    response = client.post("/cookies/consent", data={"choice": "accept_all", "origin": "banner"},
                           headers=SCRIPT)
    assert response.status_code == 200
    body = response.get_json()
    assert body["categories"] == {"necessary": True, "analytics": True}
    warm, record = rows.consent_records()
    assert record.consent_id == body["consent_id"] != warm.consent_id
    assert record.granted == ["necessary", "analytics"] and record.refused == []
    assert (record.source, record.policy_version, record.user_id) == ("banner", 1, None)
    assert record.browser_family == "Firefox"
    assert record.banner_fingerprint == warm.banner_fingerprint
    assert len(warm.banner_fingerprint) == 64
    with app.app_context():
        assert record.registry_fingerprint == registry.fingerprint()
    cookie = set_cookie_header(response, "consent")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    assert set_cookie_names(response) == {"consent"}  # no session cookie
    page = client.get("/cookies").get_data(as_text=True)
    assert record.consent_id in page and 'id="consent-banner"' not in page


@pytest.fixture
def fresh_app(migrated: str) -> Iterator[Callable[..., Flask]]:
    """Apps with overridden settings on the emptied test database."""
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        app = make_app(migrated, **overrides)
        with app.app_context():
            empty_all_tables()
            ensure_first_version()
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_settings_choice_and_durable_off_are_stored_too(fresh_app):
    app = fresh_app(DURABLE_CONSENT_PROOF=False)
    client = first_visitor(app)
    response = client.post("/cookies/consent", data={"choice": "save", "analytics": "on"},
                           headers=SCRIPT)
    assert response.get_json()["categories"]["analytics"] is True
    record = Db(app).consent_records()[-1]
    assert record.source == "settings" and record.granted == ["necessary", "analytics"]


def answer_through(app: Flask) -> tuple[int, dict, set[str], list]:
    """Status, JSON, header names and the row's answer-independent columns for one decision."""
    response = first_visitor(app).post("/cookies/consent", data={"choice": "accept_all"},
                                       headers=SCRIPT)
    record = Db(app).consent_records()[-1]
    row = [record.granted, record.refused, record.source, record.policy_version,
           record.browser_family, record.banner_fingerprint, record.registry_fingerprint]
    body = response.get_json()
    return response.status_code, body["categories"], set(response.headers.keys()), row


def test_the_answer_is_the_views_answer(fresh_app):
    fast = answer_through(fresh_app())
    assert fast == answer_through(fresh_app(CONSENT_FAST_PATH=False))


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"},
                                     {"Sec-Fetch-Site": "", "Origin": "https://attacker.example"}])
def test_cross_origin_decisions_are_refused(app, rows, headers):
    client = first_visitor(app)
    response = client.post("/cookies/consent", data={"choice": "accept_all"},
                           headers={**SCRIPT, **headers})
    assert response.status_code == 403
    assert len(rows.consent_records()) == 1  # the warm-up's only
    assert not set_cookie_header(response, "consent")


def test_gpc_rules_hold(app, rows):
    client = first_visitor(app)
    gpc = {**SCRIPT, "Sec-GPC": "1"}
    refused = client.post("/cookies/consent", data={"choice": "accept_all"}, headers=gpc)
    assert refused.status_code == 409 and "Global Privacy Control" in refused.get_json()["error"]
    assert len(rows.consent_records()) == 1
    kept = client.post("/cookies/consent", data={"choice": "reject_all"}, headers=gpc)
    assert kept.status_code == 200 and kept.get_json()["categories"]["analytics"] is False
    assert rows.consent_records()[-1].granted == ["necessary"]


@pytest.mark.parametrize("data", [{"choice": "maybe"}, {}, {"choice": ""}])
def test_a_bad_form_gets_the_views_400(app, rows, data):
    response = first_visitor(app).post("/cookies/consent", data=data, headers=SCRIPT)
    assert response.status_code == 400 and "message" in response.get_json()
    assert len(rows.consent_records()) == 1


def test_the_rate_limit_counts_both_paths(fresh_app):
    app = fresh_app(RATELIMIT_ENABLED=True)
    first_visitor(app)  # one decision through the view
    answers = [app.test_client().post("/cookies/consent", data={"choice": "reject_all"},
                                      headers=SCRIPT) for _ in range(30)]
    assert [a.status_code for a in answers] == [200] * 29 + [429]
    assert answers[0].headers["X-RateLimit-Limit"] == "30"
    assert answers[0].headers["X-RateLimit-Remaining"] == "28"
    assert Db(app).count(ConsentRecord) == 30


def count_flask_requests(app: Flask) -> list[str]:
    """The paths of the requests that reached Flask's request machinery."""
    reached: list[str] = []

    @app.before_request
    def note() -> None:
        from flask import request

        reached.append(request.path)

    return reached


@pytest.mark.parametrize("prefix", ["", "/de", "/fr"])
def test_a_warm_worker_answers_in_front_of_flask_in_every_language(app, rows, prefix):
    reached = count_flask_requests(app)
    app.test_client().post(f"{prefix}/cookies/consent", data={"choice": "reject_all"},
                           headers=SCRIPT)
    assert reached == ["/cookies/consent"]  # the first decision renders the banner's wording
    response = app.test_client().post(f"{prefix}/cookies/consent",
                                      data={"choice": "accept_all"}, headers=SCRIPT)
    assert response.status_code == 200 and response.get_json()["categories"]["analytics"]
    assert reached == ["/cookies/consent"]  # the second never reached Flask
    warm, fast = rows.consent_records()
    assert warm.locale == fast.locale == (prefix.strip("/") or "en")
    assert fast.banner_fingerprint == warm.banner_fingerprint
