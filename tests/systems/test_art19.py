"""Art. 19: an erasure, correction or restriction is passed to every recipient (a system run
by a processor); who was told, and when, is on the request, its admin page and the requester's
status page. A system we run ourselves is no recipient; an access request tells nobody."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.rights.conftest import deliver, link_in, stored
from tests.systems.conftest import BILLING
from tests.systems.test_tasks import verified_with_systems
from website.audit import AuditEntry
from website.extensions import db
from website.systems.models import RequestTask

WORKS = [
    ("deletion", "erase the personal data"),
    ("correction", "correct the personal data"),
    ("restriction", "stop using this person's data"),
]


def told(app, reference: str) -> dict[str, bool]:
    item = stored(app, reference)
    with app.app_context():
        tasks = db.session.scalars(select(RequestTask).where(RequestTask.request_id == item.id))
        return {task.system.name: task.told_at is not None for task in tasks}


@pytest.mark.parametrize(("request_type", "asked"), WORKS)
def test_every_recipient_is_told_and_it_is_recorded(
        app, client, systems, rights, smtp, request_type, asked):
    reference, tasks = verified_with_systems(systems, rights, request_type=request_type)
    deliver(app)
    [message] = smtp.to(BILLING["contact_email"])
    assert asked in body_text(message) and reference in message["Subject"]
    assert told(app, reference) == {"Billing": True, "API platform": False}
    page = client.get(f"/admin/rights/{reference}").get_data(as_text=True)
    row = re.search(rf'<tr id="task-{tasks["Billing"]}">(.*?)</tr>', page, re.S).group(1)
    assert "told " in row
    with app.app_context():
        audit = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "rights.recipient_told")).all()
        assert [(a.target, a.details["system"]) for a in audit] == [(reference, "Billing")]


def test_a_manual_recipient_is_told_when_its_task_is_done_and_the_requester_sees_it(
        app, client, systems, rights, smtp):
    systems.add(processor="Logs Ltd", location="EU")
    reference = rights.submit_and_verify(request_type="restriction")
    tasks = {name: i for name, i in _task_ids(app, reference)}
    assert told(app, reference) == {"API platform": False}
    client.post(f"/admin/rights/{reference}/tasks/{tasks['API platform']}/done",
                data={"note": "Flagged the account in the console."})
    assert told(app, reference) == {"API platform": True}
    deliver(app)
    message = [m for m in smtp.to("grace@example.com") if "confirmed" in m["Subject"]][-1]
    owner = app.test_client()
    owner.get(link_in(message, f"/rights/status/{reference}"))
    page = owner.get(f"/rights/status/{reference}").get_data(as_text=True)
    assert "Who we told" in page and "API platform (Logs Ltd), on" in page


def test_an_access_request_tells_nobody(app, systems, rights, smtp):
    reference, _ = verified_with_systems(systems, rights, request_type="access")
    assert told(app, reference) == {"Billing": False, "API platform": False}


def test_an_objection_reaches_only_systems_on_legitimate_interests(app, systems, rights, smtp):
    systems.add(name="Marketing", legal_basis="legitimate_interests")
    reference, tasks = verified_with_systems(systems, rights, request_type="objection")
    assert set(tasks) == {"Marketing"}


def _task_ids(app, reference):
    item = stored(app, reference)
    with app.app_context():
        return [(t.system.name, t.id) for t in db.session.scalars(
            select(RequestTask).where(RequestTask.request_id == item.id))]


def test_an_erasure_waits_for_every_system_and_keeps_who_was_told(
        app, client, systems, rights, smtp):
    reference, tasks = verified_with_systems(systems, rights, request_type="deletion")
    approve = f"/admin/rights/{reference}/approve_deletion"
    refused = client.post(approve, data={"confirm": "yes"})
    assert refused.status_code == 400 and "Still waiting on 2" in refused.get_data(as_text=True)
    for name, note in (("API platform", "Keys revoked, logs pseudonymised."),
                       ("Billing", "PayCo confirmed the erasure by email.")):
        client.post(f"/admin/rights/{reference}/tasks/{tasks[name]}/done", data={"note": note})
    assert client.post(approve, data={"confirm": "yes"}).status_code == 303
    assert stored(app, reference).status == "completed"
    assert told(app, reference) == {"Billing": True, "API platform": False}
