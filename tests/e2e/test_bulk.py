"""Bulk actions in a real browser, each page checked with axe: a clerk ticks two tasks in the
queue and claims them at once, and sends the reminder of a proof of use due soon from the list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import ProofOfUse
from tests import factories
from tests.builders import approved_application, open_payout_window
from workflows.applications.flows import open_task_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clerk_claims_two_tasks_at_once(
    e2e, applicant, gardelegen, programme_year, active_members, structural_c, clerk
):
    common = {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}
    first = factories.in_review(**common, title="Erste Werkstatt")
    second = factories.in_review(**common, title="Zweite Werkstatt")
    third = factories.in_review(**common, title="Dritte Werkstatt")

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    office.goto("/arbeitskorb/warteschlange/", "queue")
    page.get_by_label(f"Aufgabe zu {first.file_number} auswählen").check()
    page.get_by_label(f"Aufgabe zu {second.file_number} auswählen").check()
    page.get_by_role("button", name="Ausgewählte übernehmen").click()
    page.wait_for_url("**/arbeitskorb/sammelaktionen/**")
    office.seen("bulk-claim-result")
    expect(page.get_by_role("heading", name="Aufgaben übernehmen: Ergebnis", level=1)).to_be_visible()
    expect(page.get_by_text("2 erledigt, 0 abgelehnt")).to_be_visible()
    done = page.get_by_role("table", name="Was erledigt wurde, je Akte")
    expect(done).to_contain_text(first.file_number)
    expect(done).to_contain_text(second.file_number)
    expect(done).not_to_contain_text(third.file_number)
    assert open_task_for(application=first).owner_id == clerk.pk
    assert open_task_for(application=second).owner_id == clerk.pk
    assert open_task_for(application=third).owner_id is None

    # A reload shows the same result and claims nothing more.
    page.reload()
    office.seen("bulk-claim-result-reloaded")
    expect(page.get_by_text("2 erledigt, 0 abgelehnt")).to_be_visible()
    page.get_by_role("link", name="Zurück zum Arbeitskorb").click()
    office.seen("queue-after-claim")
    # Claimed: no checkbox any more, the clerk's name in the row.
    expect(page.get_by_label(f"Aufgabe zu {first.file_number} auswählen")).to_have_count(0)
    expect(page.get_by_label(f"Aufgabe zu {third.file_number} auswählen")).to_have_count(1)


def test_clerk_sends_a_reminder_from_the_proof_list(
    e2e, applicant, gardelegen, programme_year, active_members, clerk, approver
):
    open_payout_window(programme_year)
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    ProofOfUse.objects.filter(application=application).update(
        due_date=timezone.localdate() + datetime.timedelta(days=7)
    )

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    office.goto("/arbeitskorb/verwendungsnachweise/", "proof-list")
    # "Select all" (the script) ticks every row; it then offers to clear the selection.
    page.get_by_role("button", name="Alle auswählen").click()
    expect(page.get_by_label(f"Verwendungsnachweis zu {application.file_number} auswählen")).to_be_checked()
    expect(page.get_by_role("button", name="Auswahl aufheben")).to_be_visible()
    page.get_by_role("button", name="Erinnerung versenden").click()
    page.wait_for_url("**/arbeitskorb/sammelaktionen/**")
    office.seen("bulk-remind-result")
    expect(page.get_by_text("1 erledigt, 0 abgelehnt")).to_be_visible()
    expect(page.get_by_role("table", name="Was erledigt wurde, je Akte")).to_contain_text(application.file_number)
    assert ProofOfUse.objects.get(application=application).due_soon_reminded_at is not None
