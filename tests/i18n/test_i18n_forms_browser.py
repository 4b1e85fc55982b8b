"""In Chromium: the checks before sending and the password toggle speak the page's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_inline_checks_in_german(page, live_server):
    page.goto(f"{live_server}/de/rights")
    page.get_by_label("Ihre E-Mail-Adresse").fill("grete.example.de")
    page.get_by_role("button", name="Anfrage senden").click()
    assert page.url == f"{live_server}/de/rights"  # nothing was sent
    summary = page.locator(".error-summary")
    assert summary.get_by_role("heading").inner_text() == "Es gibt ein Problem"
    assert summary.get_by_role("link").all_inner_texts() == [
        "Wählen Sie das Recht, das Sie ausüben möchten.", "Geben Sie Ihren Namen ein.",
        "Geben Sie eine E-Mail-Adresse mit einem @ ein, etwa name@example.com.",
    ]
    inline = page.locator("#name-inline-error")
    assert inline.locator(".visually-hidden").inner_text() == "Fehler:"
    assert inline.inner_text().endswith("Geben Sie Ihren Namen ein.")


def test_password_toggle_in_french(page, live_server):
    page.goto(f"{live_server}/fr/login")
    field = page.get_by_label("Mot de passe", exact=True)
    field.fill("des mots secrets")
    page.get_by_role("button", name="Afficher le mot de passe").click()
    assert field.get_attribute("type") == "text"
    toggle = page.get_by_role("button", name="Masquer le mot de passe")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.locator("[aria-hidden=true]").inner_text() == "Masquer"
