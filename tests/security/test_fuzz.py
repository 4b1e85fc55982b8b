"""Hostile values in every form field and query parameter of the SPEC.md contract: the site
answers each with a page or a clear refusal, never a 5xx and never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tests.security.fuzzing import (
    FUZZ,
    Request,
    ServerErrors,
    bodies,
    check_answer,
    path_segments,
    queries,
)
from tests.security.world import World, build_world


@pytest.fixture
def errors() -> Iterator[ServerErrors]:
    """Collects the errors the site logs, so a failure shows its traceback."""
    handler = ServerErrors()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def world(app: Flask) -> World:
    """The accounts and what "user" owns, built once for each fuzz test."""
    return build_world(app)


def send(
    client: FlaskClient, method: str, path: str, request: Request, errors: ServerErrors
) -> TestResponse:
    """Send the request and check the answer."""
    response = client.open(path, method=method, **request.kwargs())
    check_answer(response, errors, f"{method} {path[:200]} {str(request)[:600]}")
    return response




# --- the policy pages -----------------------------------------------------------------------

@FUZZ
@given(request=queries(("from", "to")))
def test_privacy_diff(client: FlaskClient, errors: ServerErrors, request: Request) -> None:
    send(client, "GET", "/privacy/diff", request, errors)


@FUZZ
@given(number=path_segments(), suffix=st.sampled_from(["", ".md"]))
def test_privacy_version(client: FlaskClient, errors: ServerErrors, number: str,
                         suffix: str) -> None:
    send(client, "GET", f"/privacy/versions/{number}{suffix}", Request(), errors)


@FUZZ
@given(request=bodies(("version", "next")))
def test_policy_notice_dismiss(client: FlaskClient, errors: ServerErrors,
                               request: Request) -> None:
    send(client, "POST", "/policy/notice/dismiss", request, errors)


# --- cookie consent ------------------------------------------------------------------------

@FUZZ
@given(request=bodies(("choice", "analytics", "next", "origin", "gpc_exception")))
def test_cookie_consent(app: Flask, client: FlaskClient, errors: ServerErrors,
                        request: Request) -> None:
    send(client, "POST", "/cookies/consent", request, errors)


# --- support and rights requests ------------------------------------------------------------

SUPPORT_FIELDS = ("name", "organisation", "email", "phone", "category", "subject", "message",
                  "website")


@FUZZ
@given(request=bodies(SUPPORT_FIELDS))
def test_support_form(client: FlaskClient, errors: ServerErrors, request: Request) -> None:
    send(client, "POST", "/support", request, errors)


@FUZZ
@given(reference=path_segments())
def test_support_request_page(client: FlaskClient, errors: ServerErrors, reference: str) -> None:
    send(client, "GET", f"/support/requests/{reference}", Request(), errors)


@FUZZ
@given(request=bodies(("request_type", "name", "email", "details", "website")))
def test_rights_form(client: FlaskClient, errors: ServerErrors, request: Request) -> None:
    send(client, "POST", "/rights", request, errors)


@FUZZ
@given(reference=path_segments(), request=queries(("token",)))
def test_rights_status(world: World, errors: ServerErrors, reference: str,
                       request: Request) -> None:
    client = world.client("user")
    send(client, "GET", f"/rights/status/{reference}", request, errors)
    send(client, "GET", f"/rights/status/{world.rights_reference}", request, errors)


@FUZZ
@given(request=bodies(("request_type", "name", "email", "details")))
def test_rights_send_again(client: FlaskClient, errors: ServerErrors, request: Request) -> None:
    send(client, "POST", "/rights", request, errors)
    send(client, "GET", "/rights/requested", Request(), errors)
    send(client, "POST", "/rights/requested/resend", request, errors)


@FUZZ
@given(token=path_segments())
def test_rights_verify(client: FlaskClient, errors: ServerErrors, token: str) -> None:
    send(client, "GET", f"/rights/verify/{token}", Request(), errors)
    send(client, "POST", f"/rights/verify/{token}", Request(), errors)


@FUZZ
@given(request=bodies(("reference", "email")))
def test_rights_new_status_link(client: FlaskClient, errors: ServerErrors,
                                request: Request) -> None:
    send(client, "POST", "/rights/new-link", request, errors)


# --- accounts -------------------------------------------------------------------------------

@FUZZ
@given(request=bodies(("email", "password", "password_confirm", "name", "age_confirm")))
def test_register(app: Flask, errors: ServerErrors, request: Request) -> None:
    send(app.test_client(), "POST", "/register", request, errors)


@FUZZ
@given(request=bodies(("email", "password", "remember", "next")), nxt=queries(("next",)))
def test_login(app: Flask, errors: ServerErrors, request: Request, nxt: Request) -> None:
    request.query = nxt.query
    send(app.test_client(), "POST", "/login", request, errors)


@FUZZ
@given(request=bodies(("email",)))
def test_password_forgot(client: FlaskClient, errors: ServerErrors, request: Request) -> None:
    send(client, "POST", "/password/forgot", request, errors)


@FUZZ
@given(token=path_segments(), request=bodies(("password", "password_confirm")))
def test_password_reset(world: World, errors: ServerErrors, token: str,
                        request: Request) -> None:
    client = world.app.test_client()
    send(client, "GET", f"/password/reset/{token}", Request(), errors)
    send(client, "POST", f"/password/reset/{token}", request, errors)
    send(client, "POST", f"/password/reset/{world.reset_token()}", request, errors)


@FUZZ
@given(token=path_segments(), request=bodies(("password",)))
def test_confirm_email(world: World, errors: ServerErrors, token: str, request: Request) -> None:
    client = world.app.test_client()
    send(client, "GET", f"/account/email/confirm/{token}", Request(), errors)
    send(client, "GET", "/account/email/confirm", Request(), errors)
    send(client, "POST", "/account/email/confirm", request, errors)
    send(client, "GET", f"/account/email/confirm/{world.confirm_token()}", Request(), errors)
    send(client, "POST", "/account/email/confirm", request, errors)


ACCOUNT_FIELDS = ("name", "organisation", "email", "phone", "address", "password")


@FUZZ
@given(request=bodies(ACCOUNT_FIELDS))
def test_account(world: World, errors: ServerErrors, request: Request) -> None:
    response = send(world.client("user"), "POST", "/account", request, errors)
    assert response.status_code in (200, 303, 400, 413), response.status_code


@FUZZ
@given(request=bodies(("password",)))
def test_account_delete(world: World, errors: ServerErrors, request: Request) -> None:
    response = send(world.client("user"), "POST", "/account/delete", request, errors)
    assert response.status_code in (400, 413)


# --- the admin area -------------------------------------------------------------------------

DRAFT_FIELDS = ("markdown", "summary", "effective", "material")


@FUZZ
@given(request=bodies(DRAFT_FIELDS))
def test_admin_create_draft(world: World, errors: ServerErrors, request: Request) -> None:
    send(world.client("admin"), "POST", "/admin/policy/drafts", request, errors)


@FUZZ
@given(request=bodies(DRAFT_FIELDS + ("action", "confirm")), draft_id=path_segments())
def test_admin_update_draft(world: World, errors: ServerErrors, request: Request,
                            draft_id: str) -> None:
    from website.policy import drafts

    with world.app.app_context():
        if drafts.get_draft(world.draft_id) is None:  # published or discarded by an example
            world.draft_id = drafts.create_draft(
                drafts.DraftFields(markdown="# Privacy\n\nText."), drafts.Actor(None, "x@y.z")
            ).id
    client = world.client("admin")
    send(client, "POST", f"/admin/policy/drafts/{world.draft_id}", request, errors)
    send(client, "GET", f"/admin/policy/drafts/{draft_id}", Request(), errors)
    send(client, "POST", f"/admin/policy/drafts/{draft_id}", request, errors)


INTAKE_FIELDS = ("request_type", "name", "email", "details", "received_on", "channel",
                 "identity_checked")


@FUZZ
@given(request=bodies(INTAKE_FIELDS))
def test_admin_rights_intake(world: World, errors: ServerErrors, request: Request) -> None:
    response = send(world.client("admin"), "POST", "/admin/rights/new", request, errors)
    assert response.status_code in (303, 400, 413), response.status_code


@FUZZ
@given(
    page=st.sampled_from([
        ("/admin/support", ("status", "category", "page", "q")),
        ("/admin/rights", ("type", "status", "page", "due", "q")),
        ("/admin/audit", ("action", "page")),
    ]).flatmap(lambda p: st.tuples(st.just(p[0]), queries(p[1]))),
)
def test_admin_queue_filters(world: World, errors: ServerErrors, page: tuple) -> None:
    path, request = page
    send(world.client("admin"), "GET", path, request, errors)


@FUZZ
@given(reference=path_segments(), action=path_segments(),
       request=bodies(("body", "close", "outcome", "reason", "months", "confirm")))
def test_admin_request_actions(world: World, errors: ServerErrors, reference: str, action: str,
                               request: Request) -> None:
    client = world.client("admin")
    send(client, "GET", f"/admin/support/{reference}", Request(), errors)
    send(client, "GET", f"/admin/rights/{reference}", Request(), errors)
    send(client, "POST", f"/admin/support/{world.support_reference}/reply", request, errors)
    for rights_action in ("extend", "reject", "complete", "approve_deletion", "lift_restriction"):
        send(client, "POST", f"/admin/rights/{world.rights_reference}/{rights_action}", request,
             errors)
    send(client, "POST", f"/admin/rights/{world.rights_reference}/{action}", request, errors)


# --- second factor, recent authentication, exports ------------------------------------------

@FUZZ
@given(request=bodies(("code",)))
def test_login_code(app: Flask, errors: ServerErrors, request: Request) -> None:
    """The second step with anything in `code`: a page or a refusal, after a real first step."""
    from tests.fixtures.users import PASSWORD, Users
    from website.accounts import mfa
    from website.accounts.models import User
    from website.extensions import db

    with app.app_context():
        found = db.session.scalar(db.select(User).where(User.email == "totp@example.com"))
    if found is None:
        user_id = Users(app).create(email="totp@example.com", admin=True)
        with app.app_context():
            mfa.set_second_factor(db.session.get(User, user_id), mfa.new_secret())
            db.session.commit()
    client = app.test_client()
    first = client.post("/login", data={"email": "totp@example.com", "password": PASSWORD})
    assert first.headers["Location"] == "/login/code"
    response = send(client, "POST", "/login/code", request, errors)
    assert response.status_code in (200, 303, 400, 401, 413), response.status_code


@FUZZ
@given(request=bodies(("password", "code", "next")))
def test_reauth(world: World, errors: ServerErrors, request: Request) -> None:
    response = send(world.client("user"), "POST", "/reauth", request, errors)
    assert response.status_code in (200, 303, 400, 401, 413), response.status_code


@FUZZ
@given(request=bodies(("code",)))
def test_admin_mfa_enrol(world: World, errors: ServerErrors, request: Request) -> None:
    client = world.client("admin")
    send(client, "GET", "/admin/mfa", Request(), errors)
    response = send(client, "POST", "/admin/mfa", request, errors)
    assert response.status_code in (200, 303, 400, 413), response.status_code


@FUZZ
@given(request=queries(("from", "to")))
def test_admin_consent_export(world: World, errors: ServerErrors, request: Request) -> None:
    response = send(world.client("admin"), "GET", "/admin/exports/consents.csv", request, errors)
    assert response.status_code in (200, 400), response.status_code
