"""The confirmation step: the address and reference on "check your email", "send again" that
resends and never duplicates, and a "confirmed" message once the link is followed."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.rights.conftest import deliver, link_in, stored
from website.extensions import db
from website.rights.models import RightsRequest


def count_requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RightsRequest))


def confirmations(rights) -> list:
    return [m for m in rights.smtp.to("grace@example.com") if "confirm" in m["Subject"].lower()]


def test_send_again_resends_the_email_and_never_duplicates_the_request(rights, app):
    rights.submit()
    page = rights.client.get("/rights/requested").get_data(as_text=True)
    assert "Send the email again" in page
    response = rights.client.post("/rights/requested/resend")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/rights/requested")
    assert "We have sent the email again" in rights.client.get("/rights/requested").get_data(True)
    assert count_requests(app) == 1
    deliver(app)
    first, second = confirmations(rights)
    reference = stored(app).reference
    assert reference in first["Subject"] and reference in second["Subject"]
    # Only the newest link works; it confirms the one request.
    old_link, new_link = (link_in(m, "/rights/verify/") for m in (first, second))
    assert old_link != new_link
    assert rights.client.get(old_link).status_code == 404
    assert rights.client.get(new_link).status_code == 200  # the page with the one button
    assert rights.client.post(new_link).status_code == 303
    assert stored(app).status == "verified" and count_requests(app) == 1


def test_sending_the_form_again_before_confirming_resends_instead_of_duplicating(rights, app):
    rights.submit(details="First wording.")
    rights.submit(email="GRACE@example.com", details="Second wording.")
    assert count_requests(app) == 1
    assert stored(app).details == "Second wording."
    deliver(app)
    assert len(confirmations(rights)) == 2
    rights.submit(request_type="deletion")  # another right is another request
    assert count_requests(app) == 2


def test_send_again_after_confirming_sends_nothing(rights, app):
    reference = rights.submit_and_verify()
    deliver(app)
    sent = len(rights.smtp.messages)
    rights.client.post("/rights/requested/resend")
    deliver(app)
    assert len(rights.smtp.messages) == sent and count_requests(app) == 1
    assert stored(app, reference).status == "verified"


def test_send_again_without_a_waiting_request_sends_nothing(rights, app, client):
    assert client.post("/rights/requested/resend").status_code == 303
    deliver(app)
    assert rights.smtp.messages == [] and count_requests(app) == 0


def test_the_status_page_says_confirmed_once_after_the_link(rights, app):
    reference = rights.submit_and_verify()
    page = rights.client.get(f"/rights/status/{reference}").get_data(as_text=True)
    due = stored(app, reference).due_on
    assert "Thank you: your request is confirmed." in page
    assert f"We will answer by {due:%-d %B %Y}" in page
    again = rights.client.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Thank you: your request is confirmed." not in again
