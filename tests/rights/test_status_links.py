"""The status link in a rights request's emails expires (issue 13, item 4); the owner asks for
a new one on /rights/new-link, and it goes to the request's own address only."""

from __future__ import annotations

from tests.rights.conftest import deliver, link_in


def status_link_of(rights, reference: str) -> str:
    """The status link in the newest email to the requester."""
    deliver(rights.app)
    return link_in(rights.smtp.to("grace@example.com")[-1], f"/rights/status/{reference}")


def test_an_old_status_link_expires_and_a_new_one_can_be_asked_for(rights, app) -> None:
    reference = rights.submit_and_verify()
    link = status_link_of(rights, reference)
    fresh = app.test_client()
    opened = fresh.get(link)
    assert opened.status_code == 303 and "token" not in opened.headers["Location"]
    app.config["RIGHTS_STATUS_LINK_DAYS"] = -1  # every link signed so far is now too old
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    assert "/rights/new-link" in expired.get_data(as_text=True)
    app.config["RIGHTS_STATUS_LINK_DAYS"] = 30

    form = app.test_client()
    assert 'name="reference"' in form.get("/rights/new-link").get_data(as_text=True)
    before = len(rights.smtp.to("grace@example.com"))
    wrong = form.post("/rights/new-link", data={"reference": reference,
                                                 "email": "someone.else@example.com"})
    right = form.post("/rights/new-link", data={"reference": reference.lower(),
                                                 "email": "GRACE@example.com"})
    assert wrong.status_code == right.status_code == 200
    assert wrong.get_data(as_text=True) == right.get_data(as_text=True)
    deliver(app)
    assert len(rights.smtp.to("grace@example.com")) == before + 1
    assert rights.smtp.to("someone.else@example.com") == []
    new_link = status_link_of(rights, reference)
    browser = app.test_client()
    assert browser.get(new_link).status_code == 303
    assert reference in browser.get(f"/rights/status/{reference}").get_data(as_text=True)


def test_a_forged_or_foreign_token_opens_nothing(rights, app) -> None:
    first = rights.submit_and_verify()
    second = rights.submit_and_verify(email="grace@example.com")
    link_for_first = status_link_of(rights, second).replace(second, first)
    assert app.test_client().get(link_for_first).status_code == 404
    assert app.test_client().get(f"/rights/status/{first}?token=x.y.z").status_code == 404
