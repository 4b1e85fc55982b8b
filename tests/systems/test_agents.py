"""Authorised agents (CCPA §7063): /rights takes agent_name and agent_email; the confirmation
link goes to the person's own address, never the agent's; the agent's one email holds no link
and nothing of the person's; a logged-in owner filing through an agent still confirms."""

from __future__ import annotations

from tests.fixtures.mail import body_text
from tests.rights.conftest import FORM, deliver, link_in, stored

AGENT = {"agent_name": "Alan Agent", "agent_email": "alan@agency.example"}


def test_nothing_is_shared_until_the_person_confirms_from_their_own_address(
        app, client, rights, smtp):
    response = client.post("/rights", data={**FORM, **AGENT})
    assert response.status_code == 303
    item = stored(app)
    assert item.status == "received" and item.agent_email == "alan@agency.example"
    deliver(app)
    [to_agent] = smtp.to("alan@agency.example")
    text = body_text(to_agent)
    assert "on behalf of Grace Hopper" in text and "/rights/" not in text
    assert FORM["details"] not in text
    confirm = [m for m in smtp.to("grace@example.com") if "confirm" in m["Subject"].lower()][-1]
    assert "Alan Agent (alan@agency.example) filed it on your behalf" in body_text(confirm)
    # The agent has no status page: the person's link is the only way in.
    agent_client = app.test_client()
    assert agent_client.get(f"/rights/status/{item.reference}").status_code == 404
    person = app.test_client()
    link = link_in(confirm, "/rights/verify/")
    assert person.post(link).status_code == 303
    assert stored(app, item.reference).status == "verified"
    deliver(app)
    assert len(smtp.to("alan@agency.example")) == 1  # nothing more went to the agent


def test_a_logged_in_owner_naming_an_agent_still_confirms_by_email(app, client, auth, smtp):
    auth.login()  # ada@example.com, confirmed
    response = client.post("/rights", data={**FORM, "email": "ada@example.com", **AGENT})
    assert response.status_code == 303 and response.location.endswith("/rights/requested")
    assert stored(app).status == "received"


def test_agent_fields_are_checked(client):
    cases = [
        ({"agent_name": "Alan Agent"}, "give both your name and your email address"),
        ({"agent_email": "alan@agency.example"}, "give both your name and your email address"),
        ({**AGENT, "agent_email": "not-an-address"}, ""),
        ({**AGENT, "agent_email": FORM["email"].upper()}, "must differ from the person"),
    ]
    for fields, message in cases:
        response = client.post("/rights", data={**FORM, **fields})
        assert response.status_code == 200, fields
        assert message in response.get_data(as_text=True), fields
        assert 'value="Grace Hopper"' in response.get_data(as_text=True)  # what was typed stays


def test_the_german_form_speaks_to_agents(client):
    page = client.get("/de/rights").get_data(as_text=True)
    assert "bevollmächtigter Vertreter" in page
    assert 'name="agent_name"' in page and 'name="agent_email"' in page
