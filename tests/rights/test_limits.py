"""Restriction (Art. 18) and objection (Art. 21) take effect: analytics, announcement email,
the retention purge, what admins see, and lifting only after telling the person."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.admin.test_announce import publish_from_admin
from tests.fixtures.mail import body_text
from tests.fixtures.users import AuthActions
from tests.rights.conftest import days_ago
from website.consent.models import PageView
from website.extensions import db
from website.mail.models import OutboxEmail
from website.support.models import SupportRequest

ADA = "ada@example.com"


def page_views(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PageView))


def logged_in(app, users, email: str, admin: bool = False):
    """A new client logged in as a new user with this address."""
    client = app.test_client()
    user_id = users.create(email=email, name=email.split("@")[0].title(), admin=admin)
    AuthActions(app, client, users).login(user_id)
    return client


def limit_from_account(client, kind: str, email: str = ADA) -> str:
    """A restriction or objection sent while logged in as its owner (verified at once)."""
    response = client.post("/rights", data={"request_type": kind, "name": "Someone",
                                            "email": email, "details": "Stop it."})
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def test_an_objection_takes_the_person_out_of_analytics_at_once(app, users):
    ada = logged_in(app, users, ADA)
    ada.post("/cookies/consent", data={"choice": "accept_all"})
    ada.get("/")
    ada.get("/privacy")
    assert page_views(app) == 2
    assert ada.get_cookie("analytics_id") is not None
    limit_from_account(ada, "objection")
    ada.get("/privacy")
    assert page_views(app) == 0  # what was counted about this browser is gone
    assert ada.get_cookie("analytics_id") is None
    for path in ("/", "/privacy", "/cookies"):
        ada.get(path)
    assert page_views(app) == 0  # and it stays out
    other = app.test_client()
    other.post("/cookies/consent", data={"choice": "accept_all"})
    other.get("/")
    assert page_views(app) == 1  # everyone else is still counted


def test_objecting_and_restricted_people_get_no_announcement(app, client, auth, users):
    limit_from_account(logged_in(app, users, ADA), "objection")
    limit_from_account(logged_in(app, users, "grace@example.com"), "restriction",
                       email="grace@example.com")
    users.create(email="alan@example.com", name="Alan Turing")
    publish_from_admin(client, auth, material=True)
    with app.app_context():
        announced = sorted(db.session.scalars(select(OutboxEmail.to_address).where(
            OutboxEmail.subject.startswith("Our privacy policy"))))
    assert announced == ["admin@example.com", "alan@example.com"]


def old_closed_support(app, email: str, reference: str) -> None:
    with app.app_context():
        db.session.add(SupportRequest(
            reference=reference, name="Someone", email=email, category="general",
            subject="Old", message="Old question", status="closed",
            created_at=days_ago(800), closed_at=days_ago(800)))
        db.session.commit()


def test_restricted_data_is_kept_by_the_retention_purge_until_lifted(app, users, runner):
    old_closed_support(app, ADA, "SR-RESTRICT1")
    old_closed_support(app, "alan@example.com", "SR-ALANOLD1")
    reference = limit_from_account(logged_in(app, users, ADA), "restriction")
    assert runner.invoke(args=["retention", "purge"]).exit_code == 0
    with app.app_context():
        kept = sorted(db.session.scalars(select(SupportRequest.reference)))
    assert kept == ["SR-RESTRICT1"]
    admin = logged_in(app, users, "admin@example.com", admin=True)
    response = admin.post(f"/admin/rights/{reference}/lift_restriction",
                          data={"reason": "The accuracy of your data is now confirmed."})
    assert response.status_code == 303
    runner.invoke(args=["retention", "purge"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportRequest)) == 0


def test_admins_see_the_flag_wherever_the_data_appears(app, users, client):
    client.post("/support", data={"name": "Ada", "email": ADA, "category": "general",
                                  "subject": "Hello", "message": "A question."})
    with app.app_context():
        support = db.session.scalar(select(SupportRequest.reference))
    reference = limit_from_account(logged_in(app, users, ADA), "restriction")
    admin = logged_in(app, users, "admin@example.com", admin=True)
    for path in ("/admin/support", f"/admin/support/{support}", "/admin/rights",
                 f"/admin/rights/{reference}"):
        page = admin.get(path).get_data(as_text=True)
        assert "Restricted" in page, path
    page = admin.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Tell the owner and lift the restriction" in page


def test_lifting_tells_the_person_first_and_not_at_all_when_mail_cannot_go(app, users, smtp,
                                                                          runner):
    ada = logged_in(app, users, ADA)
    ada.post("/cookies/consent", data={"choice": "accept_all"})
    reference = limit_from_account(ada, "restriction")
    ada.get("/")
    assert page_views(app) == 0
    admin = logged_in(app, users, "admin@example.com", admin=True)
    reason = {"reason": "The accuracy of your data is now confirmed."}
    smtp.stop()
    response = admin.post(f"/admin/rights/{reference}/lift_restriction", data=reason)
    assert response.status_code == 400
    assert "the restriction stays" in response.get_data(as_text=True)
    ada.get("/")
    assert page_views(app) == 0  # still restricted
    smtp.start()
    with app.app_context():
        db.session.execute(OutboxEmail.__table__.update().values(next_attempt_at=days_ago(1)))
        db.session.commit()
    response = admin.post(f"/admin/rights/{reference}/lift_restriction", data=reason)
    assert response.status_code == 303
    runner.invoke(args=["outbox", "send"])  # nothing from the failed try is left to go
    [notice] = [m for m in smtp.to(ADA) if "restriction of your data ends" in m["Subject"]]
    assert "The accuracy of your data is now confirmed." in body_text(notice)
    ada.get("/")
    assert page_views(app) == 1  # used again, after the person was told
    page = admin.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert "Restriction lifted after telling the owner" in page and "Restricted (" not in page


def test_a_lift_needs_a_reason_and_a_restriction_in_force(app, users):
    reference = limit_from_account(logged_in(app, users, ADA), "objection")
    admin = logged_in(app, users, "admin@example.com", admin=True)
    assert admin.post(f"/admin/rights/{reference}/lift_restriction",
                      data={"reason": ""}).status_code == 400
    response = admin.post(f"/admin/rights/{reference}/lift_restriction", data={"reason": "x"})
    assert response.status_code == 400
    assert "No restriction is in force" in response.get_data(as_text=True)
