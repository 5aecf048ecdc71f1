"""The decision page in a real browser, checked with axe: the approver lowers the
recommended amount, is asked for a reason at the field, gives it and approves; the
commitment is the amount approved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets.models import LedgerEntry
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_approver_approves_less_than_recommended_with_a_reason(
    e2e, applicant, gardelegen, programme_year, active_members, clerk, approver
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    factories.take(approver, application.pk)

    office = e2e.persona("approver")
    page = office.page
    office.login("bewilligung")
    office.goto(f"/arbeitskorb/{application.pk}/entscheidung/", "decision")
    amount = page.get_by_label("Bewilligter Betrag (EUR)")
    expect(amount).to_have_value("2.550,00")

    amount.fill("2.000,00")
    page.get_by_role("button", name="Bewilligen", exact=True).click()
    office.seen("decision-refused")
    expect(page.locator(".kern-alert--danger")).to_contain_text("Bitte begründen Sie")
    expect(page.get_by_label("Bewilligter Betrag (EUR)")).to_have_value("2.000,00")
    assert not LedgerEntry.objects.exists()

    page.get_by_label("Begründung oder Vermerk zur Bewilligung").fill("Eine Werkstatt entfällt.")
    page.get_by_role("button", name="Bewilligen", exact=True).click()
    expect(page.locator(".site-messages")).to_contain_text("Der Antrag ist bewilligt")
    office.seen("decision-approved")
    assert LedgerEntry.objects.get(application=application).amount == Decimal("2000.00")
