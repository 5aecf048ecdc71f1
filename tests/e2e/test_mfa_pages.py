"""The pages of allauth that the other browser tests pass by, each checked with axe
(see conftest.py): the page that asks to confirm the e-mail address, and the second
factor as an office user sets it up (password again, authenticator app, recovery codes)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_verification_sent_page(e2e):
    person = e2e.persona("neu")
    person.goto("/konto/e-mail/bestaetigung/", "verification-sent")
    expect(person.page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    expect(person.page.get_by_text("wenden Sie sich bitte an die Geschäftsstelle", exact=False)).to_be_visible()


def test_an_office_user_sets_up_the_app_and_sees_the_recovery_codes(e2e, clerk, settings):
    settings.MFA_REQUIRED = True
    person = e2e.persona("sachbearbeitung")
    page = person.page
    person.goto("/konto/anmelden/", "login")
    page.get_by_label("Benutzername").fill("sachbearbeitung")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    # Sent to set up the app, which first asks for the password once more.
    page.wait_for_url(re.compile("/konto/bestaetigen/"))
    person.seen("reauthenticate")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zugang bestätigen")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Bestätigen").click()

    page.wait_for_url(re.compile("/konto/zwei-faktor/totp/activate/"))
    person.seen("totp-activate")
    expect(page.get_by_role("heading", level=1)).to_have_text("Authenticator-App einrichten")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.get_by_role("button", name="Aktivieren").click()

    page.wait_for_url(re.compile("/konto/zwei-faktor/recovery-codes/$"))
    person.seen("recovery-codes")
    expect(page.get_by_text("Die Authenticator-App wurde aktiviert.")).to_be_visible()
    expect(page.get_by_label("Unbenutzte Codes")).to_be_visible()

    person.goto("/konto/zwei-faktor/", "mfa-index")
    expect(page.get_by_text("Die Anmeldung mit einer Authenticator-App ist eingerichtet.")).to_be_visible()
    person.goto("/konto/zwei-faktor/recovery-codes/generate/", "recovery-codes-generate")
    expect(page.get_by_text("Ihre bisherigen Codes werden damit ungültig.")).to_be_visible()
