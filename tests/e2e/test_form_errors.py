"""Forms sent with errors: a wrong password, and the applicant form sent with gaps and typos.
What was typed stays, the errors are German, each field with an error is marked and linked
from the summary; the pages pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from grants.models import Application
from tests.clock import DEADLINE_DAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_wrong_password_is_explained_in_german(e2e, applicant):
    person = e2e.persona("antrag")
    page = person.page
    person.goto("/konto/anmelden/", "login")
    page.get_by_label("Benutzername").fill("antrag")
    page.get_by_label("Passwort", exact=True).fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Anmelden"))
    expect(page.get_by_role("alert")).to_contain_text("E-Mail-Adresse, Benutzername oder Passwort stimmen nicht.")
    person.seen("login-error")
    expect(page.get_by_label("Benutzername")).to_have_value("antrag")
    expect(page.get_by_label("Passwort", exact=True)).to_have_value("")
    e2e.assert_accessible()


# New drafts need a year open for applications: the seed year's last day.
@pytest.mark.now(DEADLINE_DAY)
def test_submitting_with_errors_keeps_the_input_and_explains_in_german(
    e2e, applicant, gardelegen, programme_year, active_members
):
    municipality = e2e.persona("antrag")
    page = municipality.page
    municipality.login("antrag")
    page.get_by_role("link", name="Neuer Antrag").click()
    municipality.seen("new-application")

    # No title; a date that does not exist, half an e-mail address, a line without day rate.
    page.get_by_label("Ziele").fill("Leitbild für die Ortsteile")
    page.get_by_label("Beginn des Vorhabens").fill("31.02.2026")
    page.get_by_label("Beantragter Betrag (EUR)").fill("1.234,5")
    page.get_by_role("textbox", name="E-Mail der Ansprechperson").fill("kontakt@")
    page.locator("#id_kosten-0-cost_type").select_option(label="Moderation")
    page.locator("#id_kosten-0-description").fill("Moderation")
    page.locator("#id_kosten-0-days").fill("2")
    page.locator("#id_declaration_no_early_start").check()
    page.get_by_role("button", name="Einreichen").click()

    expect(page).to_have_title(re.compile(r"^Fehler: Neuer Antrag"))
    municipality.seen("errors")
    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben.")
    for text in (
        "Titel des Vorhabens: Bitte geben Sie einen Titel an; ohne Titel kann nichts gespeichert werden.",
        "Beginn des Vorhabens: Den 31.02.2026 gibt es nicht. Bitte prüfen Sie Tag und Monat.",
        "E-Mail der Ansprechperson: Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@kommune.de.",
    ):
        expect(summary.get_by_role("link", name=text)).to_be_visible()
    cost_plan = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie den Kostenplan.")
    expect(
        cost_plan.get_by_role("link", name="Position 1, Tagessatz (EUR): Bitte geben Sie auch den Tagessatz an.")
    ).to_be_visible()

    # The fields with errors are marked and described by their message.
    title = page.get_by_label("Titel des Vorhabens")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("Bitte geben Sie einen Titel an"))
    expect(page.locator("#id_kosten-0-day_rate")).to_have_attribute("aria-invalid", "true")

    # Everything typed is still there.
    expect(page.get_by_label("Ziele")).to_have_value("Leitbild für die Ortsteile")
    expect(page.get_by_label("Beginn des Vorhabens")).to_have_value("31.02.2026")
    expect(page.get_by_label("Beantragter Betrag (EUR)")).to_have_value("1.234,5")
    expect(page.get_by_role("textbox", name="E-Mail der Ansprechperson")).to_have_value("kontakt@")
    expect(page.locator("#id_kosten-0-cost_type option:checked")).to_have_text("Moderation")
    expect(page.locator("#id_kosten-0-description")).to_have_value("Moderation")
    expect(page.locator("#id_kosten-0-days")).to_have_value("2")
    expect(page.locator("#id_declaration_no_early_start")).to_be_checked()
    expect(page.locator("#id_declaration_no_double_funding")).not_to_be_checked()

    # The summary link leads to the field.
    summary.get_by_role("link", name=re.compile(r"^Titel des Vorhabens:")).click()
    expect(page).to_have_url(re.compile(r"#id_title$"))
    assert Application.objects.count() == 0

    e2e.assert_accessible()
