"""The controllers' dashboard in a real browser, checked with axe: the controller comes from
the reports page, sees every chart drawn (Chart.js from our own static files) with its
table, the SVG map with the members and the funded municipality, and picks other years.
Without JavaScript the same page shows every table and the map."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.conftest import programme_year_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def funded(approved, gardelegen, bindlach, programme_year):
    """Gardelegen approved this year (booked by the approval), Bindlach a member only; both on the map."""
    programme_year_create(programme_year.year - 1)
    for municipality, (longitude, latitude) in ((gardelegen, ("11.39", "52.52")), (bindlach, ("11.62", "49.98"))):
        municipality.longitude, municipality.latitude = Decimal(longitude), Decimal(latitude)
        municipality.save()
    return approved


def test_the_controller_reads_the_dashboard(e2e, controller, funded, programme_year):
    person = e2e.persona("controller")
    page = person.page
    person.login("controlling")
    expect(page).to_have_url(e2e.url("/berichte/"))
    page.get_by_role("link", name="Zur Übersicht").click()
    person.seen("dashboard")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Übersicht {programme_year.year}")
    # Every chart is drawn into a canvas of its own, named for screen readers.
    drawn = page.locator(".dashboard-chart[data-drawn='true'] canvas[role='img']")
    expect(drawn).to_have_count(5)
    for index in range(5):
        box = drawn.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    # ... and every chart's figures are in a table with a caption and header cells.
    for table_id in ("months", "applications", "years", "comparison", "map"):
        table = page.locator(f"#table-{table_id}")
        expect(table.locator("caption")).to_have_count(1)
        expect(table.locator("th[scope='col']").first).to_be_visible()
    expect(page.get_by_role("table", name="Buchungen 2026 je Monat")).to_contain_text("2.550,00 €")
    expect(page.get_by_role("table", name="Buchungen 2026 je Land")).to_contain_text("Sachsen-Anhalt")
    # The map: one funded municipality, one member that is not funded, over Germany's shape.
    svg = page.get_by_role("img", name="Karte Deutschlands mit den Mitgliedskommunen")
    expect(svg).to_be_visible()
    expect(page.locator(".dashboard-map__funded circle")).to_have_count(1)
    expect(page.locator(".dashboard-map__members circle")).to_have_count(1)
    assert len(page.locator(".dashboard-map__land").first.get_attribute("d")) > 10
    map_table = page.get_by_role("table", name="Aktive Mitglieder und 2026 geförderte Kommunen je Land")
    expect(map_table.get_by_role("row", name="Sachsen-Anhalt")).to_contain_text("1")
    # Two years side by side by default; another choice through the form.
    expect(page.get_by_role("heading", name="2026 und 2025 im Vergleich")).to_be_visible()
    page.get_by_label("Im Vergleich mit").select_option("")
    page.get_by_role("button", name="Anzeigen").click()
    person.seen("dashboard-one-year")
    expect(page.get_by_role("heading", name="Das Jahr 2026 in Zahlen")).to_be_visible()
    # A choice the page does not offer is explained, and the default years shown.
    person.goto("/berichte/uebersicht/?year=1999", "dashboard-bad-year")
    expect(page.get_by_role("alert")).to_contain_text("Für dieses Jahr ist kein Programmjahr angelegt.")
    expect(page.get_by_text("Gezeigt wird stattdessen 2026 im Vergleich mit 2025.")).to_be_visible()
    e2e.assert_accessible()


def test_without_javascript_the_tables_and_the_map_are_there(e2e, controller, funded, live_server, client):
    # A context of its own: the persona's contexts run JavaScript (axe needs it).
    client.force_login(controller)
    context = e2e.browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.goto("/berichte/uebersicht/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht 2026")
        expect(page.locator("canvas")).to_have_count(0)
        expect(page.locator(".dashboard-chart")).to_have_count(5)
        for name in ("months", "applications", "years", "comparison", "map"):
            expect(page.locator(f"#table-{name}")).to_be_visible()
        expect(page.locator(".dashboard-map__funded circle")).to_have_count(1)
    finally:
        context.close()
