"""Telling the people affected (GDPR Art. 34): picked, previewed, confirmed, emailed in batches
through the outbox in each person's language, to confirmed addresses only; or a public notice."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.fixtures.mail import body_text
from tests.i18n.mail_helpers import subject
from tests.incidents.helpers import notices_of, record_incident
from website.audit import AuditEntry
from website.extensions import db
from website.incidents import notices
from website.mail.models import OutboxEmail

NOTICE = {
    "subject": "A breach that affects your account",
    "body": "An API log with your email address was readable.\n\nRotate your API key.",
    "subject_de": "Eine Datenpanne betrifft Ihr Konto",
    "body_de": "Ein API-Protokoll mit Ihrer E-Mail-Adresse war lesbar.",
    "subject_fr": "", "body_fr": "",
}


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def post_notice(client, reference: str, **fields: str):
    data = {**NOTICE, "audience": "addresses", "accounts": "", "addresses": "", **fields}
    return client.post(f"/admin/incidents/{reference}/notices", data=data)


def deliver(runner) -> str:
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def counts_on_page(client, reference: str) -> tuple[int, int, int]:
    page = client.get(f"/admin/incidents/{reference}").get_data(as_text=True)
    found = re.search(r'<td class="sent">(\d+)</td><td class="failed">(\d+)</td>'
                      r'<td class="pending">(\d+)</td>', page)
    assert found, page
    return int(found[1]), int(found[2]), int(found[3])


def test_picked_addresses_are_told_in_their_language_and_an_unconfirmed_one_never(
        app, client, auth, users, smtp, runner):
    users.create(email="ada@example.com", locale="de")
    users.create(email="bob@example.com", name="Bob", confirmed=False)
    auth.login(admin=True)
    reference = record_incident(client)
    addresses = "Ada@Example.com\nbob@example.com, carol@example.com"
    # Preview: who will be told, who will not, the email in each language; nothing queued.
    response = post_notice(client, reference, addresses=addresses, action="preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 person will be told" in page
    assert "bob@example.com: no account has confirmed this address" in page
    assert "carol@example.com: no account has confirmed this address" in page
    assert "Eine Datenpanne betrifft Ihr Konto" in page
    assert outbox(app) == []
    # Send without confirm: the page asking first, nothing queued.
    response = post_notice(client, reference, addresses=addresses, action="send")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="confirm" value="yes"' in page
    assert "Send to 1 person" in page
    assert outbox(app) == []
    response = post_notice(client, reference, addresses=addresses, action="send", confirm="yes")
    assert response.status_code == 303
    assert [e.to_address for e in outbox(app)] == ["ada@example.com"]
    assert counts_on_page(client, reference) == (0, 0, 1)
    deliver(runner)
    [message] = smtp.to("ada@example.com")
    assert subject(message) == NOTICE["subject_de"]
    assert NOTICE["body_de"] in body_text(message)
    assert "dpo@example.com" in body_text(message)  # the contact point, Art. 34(2)
    assert "Ihr Ansprechpartner:" in body_text(message)  # the site's words in German too
    assert smtp.to("bob@example.com") == [] and smtp.to("carol@example.com") == []
    assert counts_on_page(client, reference) == (1, 0, 0)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "incident.notify_people")).one()
        assert entry.details["recipients"] == 1 and entry.details["not_told"] == 2


def test_everyone_with_a_confirmed_address_is_told_in_batches(app, client, auth, users, smtp,
                                                              runner, monkeypatch):
    monkeypatch.setattr(notices, "FIRST_BATCH", 2)
    monkeypatch.setattr(notices, "BATCH", 3)
    for number, locale in enumerate(["en", "de", "fr", "de", "en"]):
        users.create(email=f"person{number}@example.com", locale=locale)
    users.create(email="stranger@example.com", confirmed=False, locale="de")
    auth.login(admin=True)  # the admin's own address is confirmed too: 6 people
    reference = record_incident(client)
    fields = {**NOTICE, "subject_fr": "Une violation de données", "body_fr": "Un journal..."}
    response = post_notice(client, reference, audience="everyone", action="send", **fields)
    assert "Send to 6 people" in response.get_data(as_text=True)
    response = post_notice(client, reference, audience="everyone", action="send",
                           confirm="yes", **fields)
    assert response.status_code == 303
    assert len(outbox(app)) == 2  # the first batch; the rest as the outbox is delivered
    assert counts_on_page(client, reference) == (0, 0, 6)
    deliver(runner)
    assert len(smtp.messages) == 6
    subjects = {m["To"]: subject(m) for m in smtp.messages}
    assert subjects["person0@example.com"] == NOTICE["subject"]
    assert subjects["person1@example.com"] == NOTICE["subject_de"]
    assert subjects["person2@example.com"] == "Une violation de données"
    assert "stranger@example.com" not in subjects
    assert counts_on_page(client, reference) == (6, 0, 0)
    [notice] = notices_of(app, reference)
    assert notice.finished_at is not None and notice.recipients == 6


def test_accounts_are_picked_by_number(app, client, auth, users, smtp, runner):
    ada = users.create(email="ada@example.com")
    bob = users.create(email="bob@example.com", confirmed=False)
    auth.login(admin=True)
    reference = record_incident(client)
    response = post_notice(client, reference, audience="accounts", accounts="12a, x",
                           action="preview")
    assert response.status_code == 400
    assert "Not an account number: 12a, x." in response.get_data(as_text=True)
    response = post_notice(client, reference, audience="accounts", accounts=f"{bob}",
                           action="send", confirm="yes")
    assert response.status_code == 400
    assert "Nobody on this list can be told" in response.get_data(as_text=True)
    assert outbox(app) == []
    response = post_notice(client, reference, audience="accounts", accounts=f"{ada} {bob} 999999",
                           action="send", confirm="yes")
    assert response.status_code == 303
    deliver(runner)
    assert [m["To"] for m in smtp.messages] == ["ada@example.com"]


def test_an_address_unconfirmed_after_the_notice_was_queued_is_not_told(app, client, auth,
                                                                        users, smtp, runner,
                                                                        monkeypatch):
    from website.accounts.models import User

    monkeypatch.setattr(notices, "FIRST_BATCH", 1)
    monkeypatch.setattr(notices, "BATCH", 1)
    users.create(email="ada@example.com")
    later = users.create(email="zed@example.com")
    auth.login(admin=True)
    reference = record_incident(client)
    post_notice(client, reference, audience="everyone", action="send", confirm="yes")
    with app.app_context():  # zed changes address before its batch: not proved yet
        db.session.get(User, later).email_confirmed_at = None
        db.session.commit()
    deliver(runner)
    assert "zed@example.com" not in [m["To"] for m in smtp.messages]
    assert "ada@example.com" in [m["To"] for m in smtp.messages]


def test_failed_deliveries_are_counted(app, client, auth, users, smtp, runner):
    users.create(email="ada@example.com")
    auth.login(admin=True)
    reference = record_incident(client)
    post_notice(client, reference, addresses="ada@example.com", action="send", confirm="yes")
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp.stop()
    deliver(runner)
    assert counts_on_page(client, reference) == (0, 1, 0)


def test_bad_notices_get_a_clear_message(app, client, auth, users):
    users.create(email="ada@example.com")
    auth.login(admin=True)
    reference = record_incident(client)
    cases = [
        ({"subject": ""}, "Write the subject."),
        ({"body": ""}, "Write the notice."),
        ({"body_de": ""}, "Give both the German subject and text, or neither."),
        ({"subject_fr": "Objet"}, "Give both the French subject and text, or neither."),
        ({"audience": "friends"}, "Choose who is told."),
        ({"addresses": ""}, "List at least one address."),
        ({"addresses": "ada@example.com, not-an-address"}, "Not an email address: not-an-address"),
        ({"subject": "two\nlines"}, "Please keep this to one line."),
    ]
    for change, message in cases:
        data = {"addresses": "ada@example.com", "action": "send", "confirm": "yes", **change}
        response = post_notice(client, reference, **data)
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert outbox(app) == []
    assert notices_of(app, reference) == []


def test_a_public_notice_is_published_when_individual_notice_is_disproportionate(
        app, client, auth, users):
    users.create(email="ada@example.com")
    auth.login(admin=True)
    reference = record_incident(client)
    response = post_notice(client, reference, audience="public", action="send")
    assert "Publish the notice" in response.get_data(as_text=True)
    assert notices_of(app, reference) == []
    response = post_notice(client, reference, audience="public", action="send", confirm="yes")
    assert response.status_code == 303
    [notice] = notices_of(app, reference)
    assert outbox(app) == []  # nobody is emailed
    auth.logout()
    page = client.get(f"/notices/{notice.reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NOTICE["subject"] in text and "Rotate your API key." in text
    assert "dpo@example.com" in text
    german = client.get(f"/de/notices/{notice.reference}").get_data(as_text=True)
    assert NOTICE["body_de"] in german
    assert "Ihr Ansprechpartner" in german and '<html lang="de"' in german
    french = client.get(f"/fr/notices/{notice.reference}").get_data(as_text=True)
    assert NOTICE["subject"] in french  # no French text: the English one
    assert client.get("/notices/BN-NOSUCH22").status_code == 404


def test_an_emailed_notice_has_no_public_page(app, client, auth, users):
    users.create(email="ada@example.com")
    auth.login(admin=True)
    reference = record_incident(client)
    post_notice(client, reference, addresses="ada@example.com", action="send", confirm="yes")
    [notice] = notices_of(app, reference)
    assert client.get(f"/notices/{notice.reference}").status_code == 404


def test_a_notice_written_in_english_only_reaches_everyone_in_english(app, client, auth, users,
                                                                      smtp, runner):
    # Found by the browser test: with no German or French text the per-language SQL had no
    # branch at all ("CASE ELSE ... END"), and sending answered 503.
    users.create(email="ada@example.com", locale="de")
    auth.login(admin=True)
    reference = record_incident(client)
    english_only = {"subject_de": "", "body_de": "", "subject_fr": "", "body_fr": ""}
    response = post_notice(client, reference, addresses="ada@example.com", action="send",
                           confirm="yes", **english_only)
    assert response.status_code == 303
    deliver(runner)
    [message] = smtp.to("ada@example.com")
    assert subject(message) == NOTICE["subject"]
    assert "Ihr Ansprechpartner:" in body_text(message)  # the site's own words in German
