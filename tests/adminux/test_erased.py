"""An erased request on the admin pages (issue 27, item 8): "erased on DATE" instead of the raw
fingerprint, found again by searching the erased address, neutral system notes kept."""

from __future__ import annotations

from tests.rights.test_erasure import admin_client
from website.extensions import utcnow

EMAIL = "grace@example.com"


def erased_request(rights, app, users) -> tuple[object, str]:
    """A deletion request, started then approved; return the admin client and its reference."""
    admin, _ = admin_client(app, users)
    reference = rights.submit_and_verify(request_type="deletion", email=EMAIL)
    assert admin.post(f"/admin/rights/{reference}/start").status_code == 303
    assert admin.post(f"/admin/rights/{reference}/approve_deletion",
                      data={"confirm": "yes"}).status_code == 303
    return admin, reference


def test_an_erased_request_shows_the_day_not_the_fingerprint(rights, app, users):
    admin, reference = erased_request(rights, app, users)
    today = utcnow().date().isoformat()
    page = admin.get(f"/admin/rights/{reference}").get_data(as_text=True)
    assert f"Erased on {today}" in page
    assert "hmac-sha256:" not in page
    queue = admin.get("/admin/rights?status=all").get_data(as_text=True)
    assert reference in queue and f"Erased on {today}" in queue
    assert "hmac-sha256:" not in queue


def test_searching_the_erased_address_finds_the_request(rights, app, users):
    admin, reference = erased_request(rights, app, users)
    found = admin.get("/admin/rights", query_string={"q": "Grace@Example.com"})
    assert reference in found.get_data(as_text=True)
    other = admin.get("/admin/rights", query_string={"q": "someone.else@example.com"})
    assert reference not in other.get_data(as_text=True)


def test_neutral_system_notes_are_kept(rights, app, users):
    admin, reference = erased_request(rights, app, users)
    page = admin.get(f"/admin/rights/{reference}").get_data(as_text=True)
    history = page[page.index("<h2>History</h2>"):]
    assert "Confirmed by the emailed link." in history
    assert "Work on the request has started." in history
    assert "Personal data erased." in history
