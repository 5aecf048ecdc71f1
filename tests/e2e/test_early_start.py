"""The early start in a real browser, checked with axe: the municipality has asked; the
approver opens the request from the case page, is asked for a reason when refusing
without one, and consents; the consent notice is issued."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reports.models import Notice
from tests import factories
from workflows.applications.early_start import early_start_request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_approver_decides_an_early_start_from_the_case(
    e2e, applicant, gardelegen, programme_year, active_members, approver, media_root
):
    application = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    early_start_request(user=applicant, application_id=application.pk, reason="Der Moderator ist nur im Januar frei.")

    office = e2e.persona("approver")
    page = office.page
    office.login("bewilligung")
    office.goto(f"/akten/{application.pk}/", "case")
    page.get_by_role("link", name="Vorzeitigen Beginn entscheiden").click()
    office.seen("early-start")
    expect(page.locator("main")).to_contain_text("Der Moderator ist nur im Januar frei.")

    page.get_by_label("ablehnen").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    office.seen("early-start-refused")
    expect(page.locator(".kern-alert--danger")).to_contain_text("Bitte begründen Sie die Ablehnung.")

    page.get_by_label("zustimmen (Bescheid geht an die Kommune)").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.locator(".site-messages")).to_contain_text("Dem vorzeitigen Maßnahmebeginn ist zugestimmt")
    office.seen("early-start-allowed")
    assert Notice.objects.filter(application=application, kind=Notice.Kind.EARLY_START).exists()
