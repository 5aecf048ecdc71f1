"""The administration enters a published Basiszinssatz in a real browser: first with
mistakes (German messages next to the fields, nothing typed lost), then correctly; every
page is checked with axe (see conftest.py).

Today is 25.11.2026 and the rate from 01.07.2026 is missing; the value typed here is a
test value, not the published one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from budgets.models import BaseRate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_administration_enters_the_missing_base_rate(e2e, admin_user, clerk):
    admin = e2e.persona("admin")
    page = admin.page
    admin.login("admin")
    admin.goto("/verwaltung/basiszinssatz/", "base-rates")
    expect(page.get_by_role("heading", name="Basiszinssatz ab dem 01.07.2026 eintragen")).to_be_visible()
    expect(page.get_by_text("Der Basiszinssatz ab dem 01.07.2026 ist nicht hinterlegt.")).to_be_visible()
    expect(page.get_by_label("Gültig ab")).to_have_value("01.07.2026")

    # A day that is no half-year, three decimals, a publication in the future.
    page.get_by_label("Gültig ab").fill("15.07.2026")
    page.get_by_label("Basiszinssatz (Prozent)").fill("1,275")
    page.get_by_label("Veröffentlicht am").fill("01.12.2026")
    page.get_by_role("button", name="Basiszinssatz eintragen").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Basiszinssatz"))
    admin.seen("base-rates-errors")
    rate = page.get_by_label("Basiszinssatz (Prozent)")
    expect(rate).to_have_attribute("aria-invalid", "true")
    expect(rate).to_have_accessible_description(re.compile("höchstens zwei Nachkommastellen"))
    expect(rate).to_have_value("1,275")
    expect(page.get_by_label("Gültig ab")).to_have_value("15.07.2026")
    expect(page.get_by_label("Veröffentlicht am")).to_have_value("01.12.2026")
    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben.")
    expect(summary).to_contain_text("Basiszinssatz (Prozent): Bitte geben Sie den Basiszinssatz in Prozent mit")
    assert not BaseRate.objects.filter(valid_from__year=2026, valid_from__month=7).exists()

    # Once more with what the rules want; the date the form does not know yet, they name.
    page.get_by_label("Basiszinssatz (Prozent)").fill("1,11")
    page.get_by_role("button", name="Basiszinssatz eintragen").click()
    admin.seen("base-rates-rules")
    expect(page.get_by_label("Gültig ab")).to_have_accessible_description(
        re.compile("nur zum 1. Januar und zum 1. Juli")
    )
    expect(page.get_by_label("Veröffentlicht am")).to_have_accessible_description(re.compile("nicht in der Zukunft"))

    page.get_by_label("Gültig ab").fill("01.07.2026")
    page.get_by_label("Veröffentlicht am").fill("30.06.2026")
    page.get_by_role("button", name="Basiszinssatz eintragen").click()
    expect(page.locator(".site-messages")).to_contain_text(
        "Der Basiszinssatz ab dem 01.07.2026 ist mit 1,11 % eingetragen."
    )
    admin.seen("base-rates-added")
    expect(page.get_by_text("Der Basiszinssatz ab dem 01.07.2026 ist nicht hinterlegt.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Basiszinssatz ab dem 01.01.2027 eintragen")).to_be_visible()
    first_row = page.get_by_role("table").get_by_role("row").nth(1)
    expect(first_row).to_contain_text("01.07.2026")
    expect(first_row).to_contain_text("1,11 %")
    expect(first_row).to_contain_text("admin am 25.11.2026")
    assert BaseRate.objects.get(valid_from__year=2026, valid_from__month=7).created_by == admin_user

    e2e.assert_accessible()
