"""From nothing to a submitted application, in a real browser, every page checked with axe:
a new person registers naming Gardelegen (picked from the suggestions while typing), confirms
the address by the link in the e-mail, which sends the request; Gardelegen's main contact
confirms; the newcomer drafts, attaches the offer and submits."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from grants.models import Affiliation, Application
from tests.clock import DEADLINE_DAY
from tests.e2e.test_journey import expect_message, fill_application, offer_pdf  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSPHRASE = "Lange-Sichere-Phrase-2026"


@pytest.mark.now(DEADLINE_DAY)
def test_register_ask_be_confirmed_and_submit(e2e, applicant, gardelegen, programme_year, active_members, offer_pdf):  # noqa: F811
    Affiliation.objects.filter(user=applicant, municipality=gardelegen).update(is_main_contact=True)

    newcomer = e2e.persona("neu")
    page = newcomer.page
    newcomer.goto("/konto/registrieren/", "signup")
    page.get_by_label("Vorname").fill("Berta")
    page.get_by_label("Nachname").fill("Bauamt")
    page.get_by_label("Dienstliche E-Mail-Adresse").fill("berta@gardelegen.example")
    page.get_by_label("Funktion").fill("Sachbearbeitung Bauamt")
    # Typing suggests municipalities (the form would also search when sent).
    page.get_by_label("Ihre Kommune").press_sequentially("Garde")
    expect(page.locator("#municipality-options option")).to_have_count(1)
    expect(page.locator("#municipality-options option")).to_have_attribute("value", "Gardelegen, Hansestadt (15081135)")
    page.get_by_label("Ihre Kommune").fill("Gardelegen, Hansestadt (15081135)")  # the suggestion picked
    page.locator("#id_password1").fill(PASSPHRASE)
    page.locator("#id_password2").fill(PASSPHRASE)
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url(re.compile("/konto/e-mail/bestaetigung/$"))
    newcomer.seen("verification-sent")

    (confirmation,) = [message for message in mail.outbox if message.to == ["berta@gardelegen.example"]]
    link = re.search(r"https?://\S+/konto/e-mail/bestaetigung/\S+/", confirmation.body).group(0)
    newcomer.goto(link[link.index("/konto/") :], "confirm-email")
    page.get_by_role("button", name=re.compile("Bestätigen", re.I)).click()
    page.wait_for_url(re.compile("/konto/anmelden/"))
    newcomer.seen("login-after-confirm")
    newcomer.login("berta@gardelegen.example", PASSPHRASE)

    # The confirmed address sent the request for the municipality named at registration.
    expect(page.get_by_role("heading", name="Für eine Kommune handeln")).to_be_visible()
    expect(page.get_by_role("button", name="Anfrage für Gardelegen, Hansestadt zurückziehen")).to_be_visible()
    expect(page.get_by_role("link", name="Neuer Antrag")).to_have_count(0)

    contact = e2e.persona("antrag")
    contact.login("antrag")
    contact.goto(f"/kommune/{gardelegen.ags}/", "municipality-pending")
    contact.page.get_by_role("button", name="Berta Bauamt bestätigen").click()
    expect(contact.page.locator(".site-messages")).to_contain_text("Die Anfrage ist bestätigt.")
    contact.seen("municipality-confirmed")

    newcomer.goto("/", "home-confirmed")
    page.get_by_role("link", name="Neuer Antrag").click()
    newcomer.seen("new-application")
    fill_application(page)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect_message(page, "Der Entwurf wurde gespeichert.")
    newcomer.seen("draft-saved")
    page.get_by_label("Datei", exact=True).set_input_files(offer_pdf)
    page.get_by_role("button", name="Datei hochladen").click()
    expect_message(page, "Die Anlage »angebot-moderation.pdf« wurde hochgeladen.")
    newcomer.seen("attachment-uploaded")
    page.get_by_role("button", name="Einreichen").click()
    expect_message(page, "Ihr Antrag wurde eingereicht.")
    newcomer.seen("submitted")

    application = Application.objects.get()
    assert application.created_by.email == "berta@gardelegen.example"
    assert application.municipality == gardelegen
    assert application.status == Application.Status.IN_REVIEW
