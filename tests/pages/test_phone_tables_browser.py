"""Tables on a phone (issue 27, item 1): at 390 px the retention schedule, the cookie list, the
version list and the account's lists become one card per row (each value under its column's
name), nothing is wider than the screen, and code words ("remember_token") never break, on a
phone or a desktop; axe finds nothing on those pages, light or dark."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.browser import assert_no_violations, log_in
from website.extensions import db
from website.policy.service import publish_version, today

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LONG_SUMMARY = ("Clearer wording about the retention of support requests, analytics events and "
                "the proof of consent, with the periods now generated from our own rules")

# Every cell of every table in <main>: does its content fit, and is each code word one line?
MEASURE = """() => {
  const doc = document.documentElement;
  // Not the header row a stacked table keeps for screen readers only (1 px, clipped).
  const cells = [...document.querySelectorAll('main table td, main table th')]
    .filter(c => getComputedStyle(c.closest('thead') || c).position !== 'absolute');
  return {
    pageFits: doc.scrollWidth <= doc.clientWidth,
    overflowing: cells.filter(c => c.offsetParent !== null && c.scrollWidth > c.clientWidth + 1)
                      .map(c => c.textContent.trim().slice(0, 40)),
    brokenCode: [...document.querySelectorAll('main table code')]
                  .filter(c => c.getClientRects().length > 1).map(c => c.textContent),
    stacked: [...document.querySelectorAll('main table.table--stack tbody tr')]
               .every(r => getComputedStyle(r).display === 'block'),
    labels: [...document.querySelectorAll('main table.table--stack td[data-label]')]
              .slice(0, 3).map(c => getComputedStyle(c, '::before').content),
    tables: document.querySelectorAll('main table').length,
  };
}"""


@pytest.fixture
def account_with_lists(app, users):
    """Ada, with a second policy version, a support request, a rights request and a consent."""
    from website.consent.models import ConsentRecord
    from website.rights.models import RightsRequest
    from website.support.models import SupportRequest

    user_id = users.create()
    with app.app_context():
        publish_version("## Your Rights\n\nAsk us.\n", today() - timedelta(days=1), LONG_SUMMARY,
                        material=True)
        db.session.add(SupportRequest(reference="SR-PHONE001", name="Ada", user_id=user_id,
                                      email="ada@example.com", category="api",
                                      subject="A rather long subject line about API keys",
                                      message="Hello"))
        db.session.add(RightsRequest(reference="RR-PHONE001", request_type="portability",
                                     name="Ada", email="ada@example.com", user_id=user_id,
                                     status="received"))
        columns = ConsentRecord.__table__.columns.keys()
        record = {"consent_id": "Xq3JrV0bYzN1c2e4sT5uW6kA", "user_id": user_id,
                  "granted": ["necessary"], "refused": ["analytics"], "source": "banner",
                  "policy_version": 1}
        db.session.add(ConsentRecord(**{k: v for k, v in record.items() if k in columns}))
        db.session.commit()
    return user_id


def measure(page, url: str) -> dict:
    page.goto(url)
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("path", ["/privacy/retention", "/cookies", "/privacy/versions",
                                  "/de/privacy/retention", "/fr/cookies"])
def test_public_tables_fit_a_phone_as_cards(browser, live_server, account_with_lists, path):
    context = browser.new_context(viewport=PHONE)
    result = measure(context.new_page(), live_server + path)
    context.close()
    assert result["tables"] >= 1
    assert result["pageFits"], result
    assert result["overflowing"] == [], result
    assert result["brokenCode"] == [], result
    assert result["stacked"], result
    assert all(label not in ("none", "normal", '""') for label in result["labels"]), result


def test_account_lists_fit_a_phone_as_cards(browser, live_server, account_with_lists):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "ada@example.com", landing="/account")
    result = measure(page, f"{live_server}/account")
    context.close()
    assert result["tables"] == 3, result  # support, rights, consent history
    assert result["pageFits"] and result["overflowing"] == [] and result["brokenCode"] == [], \
        result
    assert result["stacked"], result
    assert result["labels"][0] == '"Subject"'


def test_cookie_names_never_break_on_a_desktop(browser, live_server):
    context = browser.new_context(viewport=DESKTOP)
    result = measure(context.new_page(), f"{live_server}/cookies")
    context.close()
    assert result["brokenCode"] == [] and result["overflowing"] == []
    assert not result["stacked"]  # an ordinary table where there is room


def test_the_reference_stays_whole_in_a_heading_on_a_phone(browser, live_server, users):
    users.create()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "ada@example.com", landing="/account")
    page.goto(f"{live_server}/rights")
    page.get_by_label("Access").check()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/rights/status/*")
    lines = page.evaluate("document.querySelector('h1 .reference').getClientRects().length")
    assert lines == 1
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    context.close()


@pytest.mark.parametrize("path", ["/privacy/retention", "/cookies", "/privacy/versions"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_tables_have_no_axe_violation(browser, live_server, axe_source,
                                            account_with_lists, path, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server + path)
    assert_no_violations(page, axe_source)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_account_page_has_no_axe_violation(browser, live_server, axe_source,
                                                 account_with_lists, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    log_in(page, live_server, "ada@example.com", landing="/account")
    page.goto(f"{live_server}/account")
    assert_no_violations(page, axe_source)
    context.close()
