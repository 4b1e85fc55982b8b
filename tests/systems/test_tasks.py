"""Tasks per request: every system of the register gets one when a request is verified; email
systems are sent a templated request (the SMTP server receives it); a request with an open task
cannot be completed; tasks are done with a note or an uploaded export, or waived with a reason;
the queues show which request waits on which system, and which are late."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.rights.conftest import deliver, stored
from tests.systems.conftest import BILLING
from website.extensions import db
from website.systems.models import RequestTask


def task_ids(app, reference: str) -> dict[str, int]:
    """System name -> task id, for the request."""
    item = stored(app, reference)
    with app.app_context():
        tasks = db.session.scalars(select(RequestTask).where(RequestTask.request_id == item.id))
        return {task.system.name: task.id for task in tasks}


def verified_with_systems(systems, rights, **fields: str) -> tuple[str, dict[str, int]]:
    """Two systems in the register (manual, email), then a verified request."""
    systems.add()
    systems.add(**BILLING)
    reference = rights.submit_and_verify(**fields)
    return reference, task_ids(rights.app, reference)


def test_verification_gives_each_system_a_task_and_emails_the_processor(
        app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights)
    assert set(tasks) == {"API platform", "Billing"}
    deliver(app)
    [message] = smtp.to("privacy@payco.example")
    assert reference in message["Subject"]
    text = body_text(message)
    assert "Grace Hopper <grace@example.com>" in text
    assert "send us a copy of the personal data" in text
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    row = re.search(rf'<tr id="task-{tasks["Billing"]}">(.*?)</tr>', page, re.S).group(1)
    assert "sent" in row
    row = re.search(rf'<tr id="task-{tasks["API platform"]}">(.*?)</tr>', page, re.S).group(1)
    assert "pending" in row
    assert "Platform team: export the logs as CSV." in page  # the manual system's instructions


def test_a_request_with_an_open_task_cannot_be_completed(app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights)
    response = client.post(f"/admin/rights/{reference}/complete", data={"outcome": ""})
    assert response.status_code == 400
    assert "Still waiting on 2 system(s)" in response.get_data(as_text=True)
    assert stored(app, reference).status == "verified"
    done = client.post(f"/admin/rights/{reference}/tasks/{tasks['API platform']}/done",
                       data={"note": "Logs checked: none held."})
    assert done.status_code == 303
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": ""}).status_code == 400
    refused = client.post(f"/admin/rights/{reference}/tasks/{tasks['Billing']}/waive",
                          data={"reason": "  "})
    assert refused.status_code == 400 and "written reason" in refused.get_data(as_text=True)
    waived = client.post(f"/admin/rights/{reference}/tasks/{tasks['Billing']}/waive",
                         data={"reason": "No billing account under this address."})
    assert waived.status_code == 303
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Your account."}).status_code == 303
    item = stored(app, reference)
    assert item.status == "completed"
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "No billing account under this address." in page and "waived" in page


def test_upload_is_checked_for_type_size_and_content(app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights)
    url = f"/admin/rights/{reference}/tasks/{tasks['API platform']}/done"
    app.config["SYSTEM_EXPORT_MAX_BYTES"] = 1000
    cases = [
        ("keys.exe", b"MZ\x90\x00", "as a .json or .csv file"),
        ("keys.json", b"{not json", "not valid JSON"),
        ("keys.csv", b"\xff\xfe\x00k", "not UTF-8"),
        ("keys.csv", b"a,b\n" + b"1,2\n" * 400, "larger than"),
        ("keys.csv", b"", "empty"),
    ]
    for name, body, message in cases:
        response = client.post(url, data={"note": "", "export": (io.BytesIO(body), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    ok = client.post(url, data={"note": "", "export": (
        io.BytesIO(b"key_id,created\nk_1,2026-01-02\n"), "keys.csv")},
        content_type="multipart/form-data")
    assert ok.status_code == 303
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Export: keys.csv" in page


def test_the_queues_show_who_waits_on_which_system_and_what_is_late(
        app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights)
    queue = client.get("/admin/rights").get_data(as_text=True)
    row = re.search(rf"{reference}</a></td>(.*?)</tr>", queue, re.S).group(1)
    assert "API platform, Billing" in row
    task_page = client.get("/admin/tasks").get_data(as_text=True)
    assert task_page.count(f">{reference}</a>") == 2 and "badge--overdue" not in task_page
    assert "No open tasks" in client.get("/admin/tasks?late=1").get_data(as_text=True)
    from datetime import date
    rights.age(reference, due_on=date(2020, 1, 1))
    late = client.get("/admin/tasks?late=1").get_data(as_text=True)
    assert late.count(f">{reference}</a>") == 2 and "badge--overdue" in late
    with app.app_context():
        from website.systems.models import System
        billing = db.session.scalar(select(System.id).where(System.name == "Billing"))
    only = client.get(f"/admin/tasks?system={billing}").get_data(as_text=True)
    assert only.count(f">{reference}</a>") == 1 and "1 open task," in only
    assert client.get("/admin/tasks?page=x").status_code == 400
    assert client.get("/admin/tasks?system=abc").status_code == 400


def test_a_rejected_request_waives_its_open_tasks(app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights)
    response = client.post(f"/admin/rights/{reference}/reject",
                           data={"reason": "Not our customer.", "confirm": "yes"})
    assert response.status_code == 303
    assert "No open tasks" in client.get("/admin/tasks").get_data(as_text=True)


def test_no_system_no_task_and_the_old_flow_is_unchanged(app, client, auth, rights, smtp):
    reference = rights.submit_and_verify()
    assert task_ids(app, reference) == {}
    auth.login(admin=True)
    assert client.post(f"/admin/rights/{reference}/complete",
                       data={"outcome": "Your account."}).status_code == 303
