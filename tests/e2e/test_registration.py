"""A new person registers, confirms the e-mail from the mail they got, logs in; an office
user logs in with a TOTP code. Every page is checked with axe (see conftest.py)."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from grants.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_person_registers_confirms_and_logs_in(e2e, gardelegen):
    Group.objects.get_or_create(name=Role.APPLICANT)
    person = e2e.persona("neu")
    page = person.page
    person.goto("/konto/registrieren/", "signup")
    page.get_by_label("Vorname").fill("Berta")
    page.get_by_label("Nachname").fill("Bauamt")
    page.get_by_label("Dienstliche E-Mail-Adresse").fill("berta@gardelegen.example")
    page.get_by_label("Funktion").fill("Sachbearbeitung Bauamt")
    page.get_by_label("Ihre Kommune").fill("39638")
    page.locator("#id_password1").fill("Lange-Sichere-Phrase-2026")
    page.locator("#id_password2").fill("Lange-Sichere-Phrase-2026")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url(re.compile("/konto/e-mail/bestaetigung/$"))
    person.seen("verification-sent")

    link = re.search(r"https?://\S+/konto/e-mail/bestaetigung/\S+/", mail.outbox[-1].body).group(0)
    person.goto(link[link.index("/konto/") :], "confirm-email")
    page.get_by_role("button", name=re.compile("Bestätigen", re.I)).click()
    page.wait_for_url(re.compile("/konto/anmelden/"))
    person.seen("login-after-confirm")
    page.get_by_label("Benutzername").fill("berta@gardelegen.example")
    page.get_by_label("Passwort", exact=True).fill("Lange-Sichere-Phrase-2026")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/konto/anmelden/" not in url)
    person.seen("start")
    expect(page.get_by_text("Angemeldet als")).to_be_visible()


def test_an_office_user_logs_in_with_a_totp_code(e2e, clerk, settings):
    settings.MFA_REQUIRED = True
    secret = generate_totp_secret()
    TOTP.activate(clerk, secret)
    RecoveryCodes.activate(clerk)
    person = e2e.persona("sachbearbeitung")
    page = person.page
    person.goto("/konto/anmelden/", "login")
    page.get_by_label("Benutzername").fill("sachbearbeitung")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile("/konto/zwei-faktor/authenticate/"))
    person.seen("mfa-authenticate")
    page.locator("#id_code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/konto/" not in url)
    person.seen("start")
