"""Erasure reaches what other systems sent: an approved deletion deletes the person's uploaded
exports and erases the admins' notes on their tasks; the tasks stay, as proof each system was
asked (Art. 19)."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.rights.conftest import deliver
from tests.rights.test_personal_data import assert_nothing_left_of
from tests.systems.test_tasks import verified_with_systems
from website.extensions import db
from website.systems.models import RequestTask, TaskUpload

CSV = b"email,name,last_ip\ngrace@example.com,Grace Hopper,203.0.113.9\n"


def test_an_approved_deletion_leaves_nothing_of_the_person_in_tasks_or_uploads(
        app, client, systems, rights, smtp):
    access, tasks = verified_with_systems(systems, rights, request_type="access")
    base = f"/admin/rights/{access}/tasks"
    client.post(f"{base}/{tasks['API platform']}/done", content_type="multipart/form-data",
                data={"note": "Exported for Grace Hopper", "export": (io.BytesIO(CSV), "p.csv")})
    client.post(f"{base}/{tasks['Billing']}/waive", data={"reason": "grace@example.com unknown"})
    assert client.post(f"/admin/rights/{access}/complete",
                       data={"outcome": "Your account and billing."}).status_code == 303
    deletion = rights.submit_and_verify(request_type="deletion")
    with app.app_context():
        ids = dict(db.session.execute(select(RequestTask.system_id, RequestTask.id).where(
            RequestTask.request_id == db.session.scalar(select(func.max(
                RequestTask.request_id))))).all())
    for task_id in ids.values():
        client.post(f"/admin/rights/{deletion}/tasks/{task_id}/done",
                    data={"note": "Erased grace@example.com (Grace Hopper)."})
    deliver(app)  # the processors' emails went before the erasure
    assert client.post(f"/admin/rights/{deletion}/approve_deletion",
                       data={"confirm": "yes"}).status_code == 303
    deliver(app)
    assert_nothing_left_of(app, "grace@example.com", "Grace Hopper", "203.0.113.9")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TaskUpload)) == 0
        assert db.session.scalar(select(func.count()).select_from(RequestTask)) == 4


def test_the_persons_other_open_requests_owe_the_systems_nothing_after_the_erasure(
        app, client, systems, rights, smtp):
    access, _ = verified_with_systems(systems, rights, request_type="access")
    deletion = rights.submit_and_verify(request_type="deletion")
    queue = client.get("/admin/tasks").get_data(as_text=True)
    assert f">{access}</a>" in queue
    for task_id in _task_ids_of(app, deletion):
        client.post(f"/admin/rights/{deletion}/tasks/{task_id}/waive",
                    data={"reason": "Nothing held."})
    assert client.post(f"/admin/rights/{deletion}/approve_deletion",
                       data={"confirm": "yes"}).status_code == 303
    assert "No open tasks" in client.get("/admin/tasks").get_data(as_text=True)
    waiting = client.get("/admin/rights?status=all").get_data(as_text=True)
    assert "API platform, Billing" not in waiting


def _task_ids_of(app, reference: str) -> list[int]:
    from website.rights.models import RightsRequest

    with app.app_context():
        request_id = db.session.scalar(select(RightsRequest.id).where(
            RightsRequest.reference == reference))
        return list(db.session.scalars(select(RequestTask.id).where(
            RequestTask.request_id == request_id)))
