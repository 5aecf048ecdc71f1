"""A person without an affiliation asks to act for Gardelegen, its main contact confirms,
and the person can start an application; and the invitation flow: the main contact
invites, the invitee opens the link from the e-mail, logs in and acts for the municipality.
Every page is checked with axe (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from grants.models import Affiliation
from tests.factories import PASSWORD, user_with_roles

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def main_contact(applicant, gardelegen):
    Affiliation.objects.filter(user=applicant, municipality=gardelegen).update(is_main_contact=True)
    return applicant


def test_a_newcomer_asks_and_the_main_contact_confirms(
    e2e, main_contact, gardelegen, active_members, next_programme_year
):
    user_with_roles("neu", first_name="Nora", last_name="Neu")
    newcomer = e2e.persona("neu")
    page = newcomer.page
    newcomer.login("neu")
    expect(page.get_by_role("heading", name="Für eine Kommune handeln")).to_be_visible()
    page.get_by_label("Name, Postleitzahl oder Amtlicher Gemeindeschlüssel").fill("Gardelegen")
    page.get_by_role("button", name="Suchen").click()
    newcomer.seen("request-search")
    expect(page.get_by_label(re.compile("Gardelegen, Hansestadt"))).to_be_checked()
    page.get_by_label("Ihre Funktion in der Kommune").fill("Sachbearbeitung Demografie")
    page.get_by_role("button", name="Anfrage stellen").click()
    newcomer.seen("request-sent")
    expect(page.locator(".site-messages")).to_contain_text("Ihre Anfrage für Gardelegen, Hansestadt ist gestellt.")
    expect(page.get_by_role("button", name="Anfrage für Gardelegen, Hansestadt zurückziehen")).to_be_visible()

    contact = e2e.persona("antrag")
    contact.login("antrag")
    contact.goto(f"/kommune/{gardelegen.ags}/", "municipality-pending")
    contact.page.get_by_role("button", name="Nora Neu bestätigen").click()
    contact.seen("municipality-confirmed")
    expect(contact.page.locator(".site-messages")).to_contain_text("Die Anfrage ist bestätigt.")

    newcomer.goto("/", "newcomer-home")
    expect(page.get_by_role("link", name="Neuer Antrag")).to_be_visible()
    assert any(message.to == ["neu@example.org"] and "bestätigt" in message.subject for message in mail.outbox)


def test_the_main_contact_invites_a_colleague(e2e, main_contact, gardelegen, active_members, next_programme_year):
    contact = e2e.persona("antrag")
    contact.login("antrag")
    contact.goto(f"/kommune/{gardelegen.ags}/", "municipality")
    contact.page.get_by_label("E-Mail-Adresse der Kollegin oder des Kollegen").fill("kollegin@example.org")
    contact.page.get_by_role("button", name="Einladung senden").click()
    contact.seen("invitation-sent")
    expect(contact.page.locator(".site-messages")).to_contain_text(
        "Die Einladung an kollegin@example.org ist verschickt."
    )
    (message,) = [message for message in mail.outbox if message.to == ["kollegin@example.org"]]
    link = re.search(r"http://\S+/einladung/[^/\s]+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]

    user_with_roles("kollegin", first_name="Klara", last_name="Kollegin")
    invitee = e2e.persona("kollegin")
    page = invitee.page
    invitee.goto(path, "invitation-login")  # anonymous: the login, with the way back
    page.get_by_label("Benutzername").fill("kollegin")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile("/einladung/"))
    invitee.seen("invitation")
    page.get_by_role("button", name="Einladung annehmen").click()
    page.wait_for_url(lambda url: "/einladung/" not in url)
    invitee.seen("invitee-home")
    expect(page.locator(".site-messages")).to_contain_text("Sie handeln jetzt für Gardelegen, Hansestadt.")
    expect(page.get_by_role("link", name="Neuer Antrag")).to_be_visible()
