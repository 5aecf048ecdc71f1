"""Guidance before the mistake: every gap named at once on submit, warnings on the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.models import Application
from tests.clock import DEADLINE_DAY
from tests.workflows.applications.test_applicant_flow import post_data

pytestmark = pytest.mark.now(DEADLINE_DAY)
NEW = "applicant_application_new"
REQUIRED_MESSAGE = "Bitte füllen Sie dieses Feld aus; es ist zum Einreichen erforderlich."
DECLARATION_MESSAGE = "Bitte bestätigen Sie diese Erklärung; sie ist zum Einreichen erforderlich."


@pytest.fixture
def browser(client_for, applicant, gardelegen, programme_year, active_members):
    return client_for(applicant)


def empty_post(**fields) -> dict:
    data = {
        "kosten-TOTAL_FORMS": "3",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "30",
    }
    data.update(fields)
    return data


def test_submitting_an_empty_form_names_every_missing_field_at_once(browser):
    response = browser.post(reverse(NEW), empty_post(submit="1"))
    content = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert "Bitte geben Sie einen Titel an" in content
    # Each field at its place (the text once beside the field, once in the summary) ...
    assert content.count(REQUIRED_MESSAGE) == 2 * 10
    assert content.count(DECLARATION_MESSAGE) == 2 * 2
    assert content.count("Bitte geben Sie mindestens eine Kostenposition an.") == 2
    # ... and every one linked from the summary.
    for field in ("id_purpose", "id_goals", "id_description", "id_period_start", "id_iban", "id_kosten-0-cost_type"):
        assert f'href="#{field}"' in content
    assert "Es fehlen: Zweck, Ziele, Beschreibung, Beginn, Ende" in content


def test_submitting_with_a_title_saves_the_draft_and_marks_the_rest(browser):
    response = browser.post(reverse(NEW), empty_post(submit="1", title="Werkstatt", goals="Leitbild"))
    content = response.content.decode()
    application = Application.objects.get()
    assert application.status == Application.Status.DRAFT
    assert application.goals == "Leitbild"
    assert 'value="Werkstatt"' in content
    assert ">\nLeitbild</textarea>" in content
    assert content.count(REQUIRED_MESSAGE) == 2 * 9
    assert "Es fehlen: Zweck, Beschreibung" in content
    assert "Ziele:" not in content


def test_edit_submit_marks_a_cleared_field_and_keeps_the_rest(browser):
    browser.post(reverse(NEW), post_data())
    application = Application.objects.get()
    url = reverse("applicant_application_edit", kwargs={"pk": application.pk})
    response = browser.post(
        url,
        post_data(
            submit="1",
            revision=str(application.revision),
            description="",
            contact_name="",
            declaration_no_early_start=None,
            purpose="networking",
        ),
    )
    content = response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.description == ""
    assert content.count(REQUIRED_MESSAGE) == 2 * 2
    assert content.count(DECLARATION_MESSAGE) == 2
    assert "nennen Sie bitte mindestens eine Partnerkommune" in content
    assert "Es fehlen: Beschreibung, Ansprechperson, Partnerkommunen, Erklärung: kein Beginn vor Bewilligung" in content


def test_a_complete_form_still_submits(browser):
    browser.post(reverse(NEW), post_data(submit="1"))
    assert Application.objects.get().status == Application.Status.IN_REVIEW
