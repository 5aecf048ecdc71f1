"""Guidance before the mistake: every gap named at once on submit, warnings on the form."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.selectors import municipality_remaining_cap, municipality_year_room
from core.money import format_eur
from grants.models import Application
from tests import factories
from tests.clock import DEADLINE_DAY
from tests.workflows.applications.test_applicant_flow import cost_type, post_data

pytestmark = pytest.mark.now(DEADLINE_DAY)
NEW = "applicant_application_new"
REQUIRED_MESSAGE = "Bitte füllen Sie dieses Feld aus; es ist zum Einreichen erforderlich."
DECLARATION_MESSAGE = "Bitte bestätigen Sie diese Erklärung; sie ist zum Einreichen erforderlich."


@pytest.fixture
def browser(client_for, applicant, gardelegen, programme_year, active_members):
    return client_for(applicant)


def page_text(response) -> str:
    """What a reader sees: the page without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("\xa0", " ")


def euro(amount: Decimal) -> str:
    return format_eur(amount).replace("\xa0", " ")


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


# --- the day rate -----------------------------------------------------------------------------


def moderation_line(day_rate: str) -> dict:
    return {"cost_type": cost_type("moderation"), "description": "Moderation", "days": "3", "day_rate": day_rate}


def test_the_years_maximum_day_rate_stands_beside_the_field(browser, programme_year):
    content = page_text(browser.get(reverse(NEW)))
    assert programme_year.max_day_rate == Decimal("850.00")
    assert "Höchstens 850,00 € (Programmjahr 2026)." in content
    assert "Tagessatz über dem Höchstsatz" not in content


def test_a_day_rate_above_the_maximum_is_warned_about_but_saved(browser):
    response = browser.post(reverse(NEW), post_data(lines=[moderation_line("1.800,00")]), follow=True)
    text = page_text(response)
    application = Application.objects.get()
    # A warning, not a refusal: the line is saved, as the eligibility rule will judge it.
    assert application.cost_lines.get().day_rate == Decimal("1800.00")
    assert "Tagessatz über dem Höchstsatz" in text
    assert "Position 1: Tagessatz 1.800,00 € liegt über dem Höchstsatz von 850,00 €." in text
    assert "nur mit schriftlicher Begründung" in text


def test_a_day_rate_at_the_maximum_is_not_warned_about(browser):
    response = browser.post(reverse(NEW), post_data(lines=[moderation_line("850,00")]), follow=True)
    assert "Tagessatz über dem Höchstsatz" not in page_text(response)


def test_a_typed_day_rate_is_warned_about_even_when_the_line_is_incomplete(browser):
    line = {**moderation_line("900"), "description": ""}
    response = browser.post(reverse(NEW), post_data(lines=[line]))
    text = page_text(response)
    assert "Bitte beschreiben Sie die Position kurz." in text
    assert "Position 1: Tagessatz 900,00 € liegt über dem Höchstsatz von 850,00 €." in text


# --- what is still free, a start in the past ---------------------------------------------------


def test_the_form_shows_what_is_still_free_by_the_ledger(browser, approved, applicant, gardelegen, programme_year):
    factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, requested_amount=Decimal("1000.00")
    )
    room = municipality_year_room(programme_year=programme_year, municipality=gardelegen)
    remaining = municipality_remaining_cap(programme_year=programme_year, municipality=gardelegen)
    assert room.committed == approved.approved_amount
    assert room.pending == Decimal("1000.00")
    assert room.free == remaining - Decimal("1000.00")
    text = page_text(browser.get(reverse(NEW)))
    assert f"Noch frei für {gardelegen.name} im Programmjahr 2026: {euro(room.free)}" in text
    assert f"davon bewilligt {euro(approved.approved_amount)}" in text
    assert "in anderen offenen Anträgen beantragt 1.000,00 €" in text


def test_an_application_in_question_does_not_count_against_itself(browser, applicant, gardelegen, programme_year):
    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, requested_amount=Decimal("1000.00")
    )
    room = municipality_year_room(programme_year=programme_year, municipality=gardelegen, exclude=application)
    assert room.pending == Decimal("0.00")
    assert room.free == programme_year.cap_per_municipality


def test_a_start_in_the_past_is_warned_about(browser):
    response = browser.post(reverse(NEW), post_data(period_start="01.09.2026", period_end="20.12.2026"), follow=True)
    text = page_text(response)
    assert Application.objects.get().period_start == datetime.date(2026, 9, 1)
    assert "Beginn in der Vergangenheit" in text
    assert "Der Beginn am 01.09.2026 liegt in der Vergangenheit." in text


def test_a_start_from_today_is_not_warned_about(browser):
    response = browser.post(reverse(NEW), post_data(period_start="30.09.2026"), follow=True)
    assert "Beginn in der Vergangenheit" not in page_text(response)


# --- totals while typing (the script) and without it (the server) ------------------------------


def test_the_form_loads_the_totals_script_and_has_the_hooks(browser):
    content = browser.get(reverse(NEW)).content.decode()
    assert '<script src="/static/js/cost-plan-totals.js" defer></script>' in content
    assert 'data-max-day-rate="850.00"' in content
    assert content.count("data-cost-line-amount") == 3
    # The note beside a line is there for the script, hidden until a rate exceeds the maximum.
    assert content.count("data-day-rate-note hidden") == 3


def test_without_javascript_the_server_computes_amounts_and_total(browser):
    lines = [
        moderation_line("1.800,00"),
        {"cost_type": cost_type("travel"), "description": "Fahrtkosten", "flat_amount": "120,5"},
    ]
    response = browser.post(reverse(NEW), post_data(lines=lines, title=""))
    text = page_text(response)
    assert "5.400,00 € " in text
    assert "Summe des Kostenplans: 5.520,50 €" in text
    content = response.content.decode()
    assert content.count("data-day-rate-note hidden") == 3  # of 4 lines: the first one is shown
    assert "Dieser Tagessatz liegt über dem Höchstsatz von 850,00" in text


def test_the_guidance_is_english_on_english_pages(browser, applicant):
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = browser.post(
        reverse(NEW), post_data(lines=[moderation_line("1.800,00")], period_start="01.09.2026"), follow=True
    )
    text = page_text(response)
    assert "At most €850.00 (programme year 2026)." in text
    assert "Line 1: day rate €1,800.00 exceeds the maximum rate of €850.00." in text
    assert "The start on 1 Sep 2026 lies in the past." in text
    assert "Still available for" in text
    home = page_text(browser.get(reverse("applicant_home")))
    assert "Still available" in home
    assert "Refunded" in home


def test_an_amount_above_the_remaining_cap_is_warned_about(browser, approved, programme_year):
    remaining = programme_year.cap_per_municipality - approved.approved_amount
    response = browser.post(reverse(NEW), post_data(requested_amount=number(remaining + 1)), follow=True)
    text = page_text(response)
    assert "Betrag über dem verbleibenden Höchstbetrag" in text
    assert f"verbleibenden Höchstbetrag Ihrer Kommune von {euro(remaining)}." in text
    response = browser.post(reverse(NEW), post_data(requested_amount=number(remaining)), follow=True)
    assert "Betrag über dem verbleibenden Höchstbetrag" not in page_text(response)


def number(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
