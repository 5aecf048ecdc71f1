"""The case page (Akte) in a real browser, checked with axe: a clerk opens the file from the
review page, writes an internal note and ticks a colleague to be told; the note shows
under the file's notes with its author, and the colleague gets the e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from grants.roles import Role
from tests.factories import user_with_roles
from workflows.models import CaseNote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clerk_opens_a_case_and_writes_a_note_mentioning_a_colleague(e2e, approved, clerk, sepa_debtor):
    user_with_roles("kollegin", Role.CLERK, first_name="Carla", last_name="Kollegin")
    clerk.first_name, clerk.last_name = "Sven", "Sachbearbeitung"
    clerk.save()

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    office.goto(f"/arbeitskorb/{approved.pk}/", "review")
    page.get_by_role("link", name="Akte", exact=True).click()
    office.seen("case")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Akte {approved.file_number}")
    for heading in ("Antragsdaten", "Förderprüfung", "Bescheide", "Mittelabrufe", "Gesendete E-Mails", "Verlauf"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()

    page.get_by_label("Vermerk", exact=True).fill("Rückruf der Kommune am Montag; Rechnung folgt.")
    page.get_by_label("Carla Kollegin").check()
    page.get_by_role("button", name="Vermerk speichern").click()
    expect(page.locator(".site-messages")).to_contain_text("Der Vermerk ist in der Akte.")
    office.seen("note-saved")
    notes = page.get_by_role("region", name="Interne Vermerke")
    expect(notes).to_contain_text("Rückruf der Kommune am Montag; Rechnung folgt.")
    expect(notes).to_contain_text("Sven Sachbearbeitung am")
    expect(notes).to_contain_text("benachrichtigt: Carla Kollegin")

    note = CaseNote.objects.get()
    assert [user.username for user in note.mentioned.all()] == ["kollegin"]
    mentions = [message for message in mail.outbox if "erwähnt" in message.subject]
    assert [message.to for message in mentions] == [["kollegin@example.org"]]

    # An empty note is refused at its field, and the page says so.
    page.get_by_role("button", name="Vermerk speichern").click()
    office.seen("note-refused")
    expect(page.locator(".kern-alert--danger")).to_contain_text("Bitte schreiben Sie den Vermerk.")
    assert CaseNote.objects.count() == 1
