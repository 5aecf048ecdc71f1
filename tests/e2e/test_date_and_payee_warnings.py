"""The warnings of the payout check, the proof review and the SEPA page in a real browser,
checked with axe: invoice and expense dates outside the project, a payee the bank cannot read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import Payout
from tests.builders import expense, in_review, invoice, released, request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clerk_and_approver_see_the_warnings(e2e, approved, applicant, clerk, approver, sepa_debtor):
    waiting = request(approved, applicant, invoice("300.00", number="R-früh"))
    good = released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="500.00", number="R-2")
    bad = released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="400.00", number="R-3")
    Payout.objects.filter(pk=bad.pk).update(account_holder="Иван Петров")

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    office.goto(reverse("payout_office_detail", kwargs={"pk": waiting.pk}), "payout-check")
    expect(page.get_by_role("heading", name="Vor der Prüfung: Rechnungsdaten")).to_be_visible()
    expect(page.locator(".kern-alert--warning").first).to_contain_text("Außerhalb des Durchführungszeitraums?")

    sepa = e2e.persona("approver")
    sepa.login("bewilligung")
    sepa.goto(reverse("sepa_overview"), "sepa")
    expect(sepa.page.locator(".kern-alert--warning")).to_contain_text(bad.number)
    expect(sepa.page.get_by_role("button", name="SEPA-Datei mit 1 Auszahlung über 500,00 € erstellen")).to_be_visible()
    assert good.number in sepa.page.content()

    spent = timezone.localdate() - datetime.timedelta(days=10)
    proof = in_review(approved, applicant, clerk, expense("800.00", issuer="Druckerei Frühauf", spent_on=spent))
    office.goto(reverse("proof_office_review", kwargs={"pk": proof.pk}), "proof-review")
    expect(page.get_by_role("heading", name="Vor der Entscheidung: Ausgabedaten")).to_be_visible()
