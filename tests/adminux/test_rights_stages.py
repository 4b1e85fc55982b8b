"""The rights workflow on the admin pages (issue 27, item 7): the stage stepper, one primary
action, days left on every request, the requester in the queue, an access request completed only
with an outcome, names instead of "user #2" in the history."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.rights.conftest import stored
from tests.rights.test_admin import seed
from website.extensions import utcnow


def current_stage(page: str) -> str:
    """The label of the stepper's current stage."""
    found = re.search(r'aria-current="step"><span class="visually-hidden">[^<]*</span>([^<]+)<',
                      page)
    assert found, page
    return found.group(1)


def primary_buttons(page: str) -> list[str]:
    """The labels of the primary (not secondary, not danger) buttons of the page's actions."""
    return re.findall(r'<button type="submit" class="button">([^<]+)</button>', page)


def test_stepper_follows_the_request_with_one_primary_action(app, client, auth):
    reference = seed(app)
    auth.login(admin=True)
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert current_stage(page) == "Verified"
    assert primary_buttons(page) == ["Start work (in progress)"]  # not also "Complete"
    assert "Completed or rejected" in page
    assert client.post(f"/admin/rights/{reference}/start").status_code == 303
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert current_stage(page) == "In progress"
    assert primary_buttons(page) == ["Complete"]
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "We sent everything we hold."}).status_code == 303
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert current_stage(page) == "Completed"
    assert primary_buttons(page) == []


def test_rejected_request_ends_on_rejected(app, client, auth):
    reference = seed(app, status="rejected", closed_at=utcnow())
    auth.login(admin=True)
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert current_stage(page) == "Rejected"
    assert "Closed" in page


def test_days_left_on_the_page_and_in_the_queue_with_the_requester(app, client, auth):
    today = utcnow().date()
    later = seed(app, name="Grace Hopper", email="grace@example.com",
                 due_on=today + timedelta(days=12))
    late = seed(app, name="Alan Turing", email="alan@example.com",
                due_on=today - timedelta(days=3))
    one = seed(app, due_on=today + timedelta(days=1))
    auth.login(admin=True)
    assert "12 days left" in client.get(f"/admin/rights/{later}").get_data(as_text=True)
    queue = client.get("/admin/rights").get_data(as_text=True)
    row = lambda ref: queue[queue.index(ref):].split("</tr>")[0]  # noqa: E731
    assert "12 days left" in row(later) and "Grace Hopper" in row(later)
    assert "grace@example.com" in row(later)
    assert "3 days overdue" in row(late) and "Alan Turing" in row(late)
    assert "1 day left" in row(one)


def test_access_request_completes_only_with_an_outcome(app, client, auth):
    reference = seed(app, status="in_progress")
    auth.login(admin=True)
    response = client.post(f"/admin/rights/{reference}/complete", data={"outcome": ""})
    assert response.status_code == 400
    assert "Write the outcome" in response.get_data(as_text=True)
    assert stored(app, reference).status == "in_progress"
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Your account, two support requests."}
                       ).status_code == 303
    outcome = stored(app, reference).outcome
    assert outcome.startswith("Your account, two support requests.")
    assert "Your data export is ready" in outcome  # the site still points to the download


def test_history_names_the_admin_not_a_user_number(app, client, auth, users):
    reference = seed(app)
    admin_id = users.create(email="hedy@example.com", name="Hedy Lamarr", admin=True)
    auth.login(admin_id)
    client.post(f"/admin/rights/{reference}/start")
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    history = page[page.index("<h2>History</h2>"):]
    assert "Hedy Lamarr (hedy@example.com)" in history
    assert "user #" not in history
