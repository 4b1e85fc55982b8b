"""/account: the user edits their details and finds their data, export and delete form."""

from __future__ import annotations

from tests.accounts.helpers import confirm_link, outbox, user_by_email
from tests.fixtures.users import PASSWORD

DETAILS = {
    "name": "Ada King", "organisation": "Analytical Engines Ltd", "email": "ada@example.com",
    "phone": "+44 20 7946 0000", "address": "12 St James's Square\nLondon",
}


def test_account_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_account_shows_form_prefilled(client, users, auth):
    user_id = users.create(organisation="Engines", phone="+44 20 7946 0000")
    auth.login(user_id)
    page = client.get("/account").get_data(as_text=True)
    for name in ("name", "organisation", "email", "phone", "address"):
        assert f'name="{name}"' in page
    assert 'value="Ada Lovelace"' in page and 'value="Engines"' in page


def test_edit_details(app, client, auth):
    auth.login()
    response = client.post("/account", data=DETAILS)
    assert response.status_code == 303
    user = user_by_email(app, "ada@example.com")
    assert (user.name, user.organisation, user.phone) == (
        "Ada King", "Analytical Engines Ltd", "+44 20 7946 0000")
    assert user.address == "12 St James's Square\nLondon"
    assert "Your details have been saved." in client.get("/account").get_data(as_text=True)


def test_phone_is_normalised_or_refused(app, client, auth):
    auth.login()
    client.post("/account", data={**DETAILS, "phone": "0044 (20) 7946-0000"})
    assert user_by_email(app, "ada@example.com").phone == "+44 20 7946 0000"
    for bad, message in [("020 7946 0000", "Start with + and your country code"),
                         ("+44 12", "not valid"), ("+not a number", "not a phone number")]:
        page = client.post("/account", data={**DETAILS, "phone": bad}).get_data(as_text=True)
        assert message in page, bad
        assert f'value="{bad}"' in page
    client.post("/account", data={**DETAILS, "phone": ""})
    assert user_by_email(app, "ada@example.com").phone == ""


def test_email_change_needs_password_and_the_new_addresses_link(app, client, users, auth):
    # The change used to take effect at once with no password (issue 11): now it needs the
    # current password and takes effect when the link sent to the new address is followed.
    users.create(email="grace@example.com", name="Grace")
    auth.login()
    page = client.post("/account", data={**DETAILS, "email": "Ada.King@Example.com"})
    assert "Enter your current password to change your email address." in page.get_data(
        as_text=True)
    page = client.post("/account", data={**DETAILS, "email": "Ada.King@Example.com",
                                         "password": "wrong password"})
    assert "That password is not right." in page.get_data(as_text=True)
    assert 'value="Ada.King@Example.com"' in page.get_data(as_text=True)
    assert outbox(app) == []
    response = client.post("/account", data={**DETAILS, "email": "Ada.King@Example.com",
                                             "password": PASSWORD})
    assert response.status_code == 303
    assert user_by_email(app, "ada@example.com").pending_email == "ada.king@example.com"
    [notice] = outbox(app, "ada@example.com")
    assert notice.subject == "A change of your email address was asked for"
    assert "ada.king@example.com" in notice.body_text
    [link_email] = outbox(app, "ada.king@example.com")
    client.get(confirm_link(link_email.body_text))
    page = client.get("/account/email/confirm").get_data(as_text=True)
    assert 'name="password"' not in page  # logged in as the account: one button
    assert client.post("/account/email/confirm").status_code == 303
    assert user_by_email(app, "ada.king@example.com") is not None
    assert outbox(app, "ada@example.com")[-1].subject == "Your email address was changed"
    assert client.get("/account").status_code == 200  # this browser stays logged in
    # A taken address: the same answer, and its owner gets a note instead of a link.
    response = client.post("/account", data={**DETAILS, "email": "GRACE@example.com",
                                             "password": PASSWORD})
    assert response.status_code == 303
    [taken] = outbox(app, "grace@example.com")
    assert taken.subject == "Someone tried to use your email address"
    assert "/account/email/confirm/" not in taken.body_text
    # Same address in another case: no change, no email.
    count = len(outbox(app))
    client.post("/account", data={**DETAILS, "email": "ADA.KING@example.com"})
    assert len(outbox(app)) == count


def test_account_links_export_and_has_delete_form(client, auth):
    auth.login()
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page
    assert '<form method="post" action="/account/delete"' in page
    delete_form = page[page.index('action="/account/delete"'):]
    assert 'name="password"' in delete_form and 'name="csrf_token"' in delete_form
    assert "What we erase" in page and "What we keep, and why" in page


def test_partials_are_included_in_order():
    from pathlib import Path

    source = (Path(__file__).parents[2] / "templates/accounts/account.html").read_text()
    positions = [source.index(f'{{% include "{name}/_account.html" %}}')
                 for name in ("support", "rights", "consent")]
    assert positions == sorted(positions)


def test_no_template_hides_a_missing_include():
    """A missing partial is an error, not a silently empty page section (issue 14, item 4)."""
    from pathlib import Path

    templates = Path(__file__).parents[2] / "templates"
    hiding = [p.name for p in templates.rglob("*.html") if "ignore missing" in p.read_text()]
    assert hiding == []
