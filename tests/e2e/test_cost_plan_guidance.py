"""The application form guides while typing: line amounts and the total appear as the cost
plan is typed, a day rate above the year's maximum is pointed out at once, and after saving
the server's warning stands above the cost plan. The page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from grants.models import Application
from tests.clock import DEADLINE_DAY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.now(DEADLINE_DAY)
def test_typing_a_cost_line_shows_the_total_and_the_day_rate_warning(
    e2e, applicant, gardelegen, programme_year, active_members
):
    municipality = e2e.persona("antrag")
    page = municipality.page
    municipality.login("antrag")
    # The start page says what is still free this year.
    free = page.get_by_role("table", name=re.compile("noch frei"))
    expect(free.get_by_role("row", name=re.compile("Gardelegen"))).to_contain_text(re.compile(r"5\.000,00\s€"))
    municipality.seen("home-free")
    e2e.assert_accessible()
    page.get_by_role("link", name="Neuer Antrag").click()
    municipality.seen("cost-plan-empty")
    expect(page.locator("#id_kosten-0-day_rate")).to_have_accessible_description(
        re.compile(r"Höchstens 850,00\s€ \(Programmjahr 2026\)")
    )
    expect(page.get_by_text("Noch frei für Gardelegen, Hansestadt im Programmjahr 2026")).to_be_visible()

    page.locator("#id_kosten-0-cost_type").select_option(label="Moderation")
    page.locator("#id_kosten-0-description").fill("Moderation")
    page.locator("#id_kosten-0-days").fill("3")
    page.locator("#id_kosten-0-day_rate").fill("1.800,00")
    page.locator("#id_kosten-1-cost_type").select_option(label="Reisekosten")
    page.locator("#id_kosten-1-description").fill("Fahrtkosten")
    page.locator("#id_kosten-1-flat_amount").fill("120,5")
    lines = page.locator("[data-cost-line]")
    expect(lines.nth(0).locator("[data-cost-line-amount]")).to_have_text(re.compile(r"^5\.400,00\s€$"))
    expect(lines.nth(1).locator("[data-cost-line-amount]")).to_have_text(re.compile(r"^120,50\s€$"))
    expect(page.locator("[data-cost-plan-total]")).to_have_text(re.compile(r"^5\.520,50\s€$"))
    expect(lines.nth(0).get_by_text("Dieser Tagessatz liegt über dem Höchstsatz von 850,00")).to_be_visible()
    expect(lines.nth(1).locator("[data-day-rate-note]")).to_be_hidden()
    municipality.seen("cost-plan-typed")
    e2e.assert_accessible()

    # Lowering the rate takes the note away at once.
    page.locator("#id_kosten-0-day_rate").fill("850")
    expect(lines.nth(0).locator("[data-day-rate-note]")).to_be_hidden()
    expect(page.locator("[data-cost-plan-total]")).to_have_text(re.compile(r"^2\.670,50\s€$"))

    # Saved with the high rate again: the server warns above the cost plan, and saves.
    page.locator("#id_kosten-0-day_rate").fill("1.800,00")
    page.get_by_label("Titel des Vorhabens").fill("Demografie-Werkstatt")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("status").filter(has_text="Tagessatz über dem Höchstsatz")).to_contain_text(
        re.compile(r"Position 1: Tagessatz 1\.800,00\s€ liegt über dem Höchstsatz von 850,00\s€\.")
    )
    expect(page.locator("[data-cost-plan-total]")).to_have_text(re.compile(r"^5\.520,50\s€$"))
    municipality.seen("cost-plan-saved")
    assert Application.objects.get().cost_lines.count() == 2
    e2e.assert_accessible()
