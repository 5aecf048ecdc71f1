"""The office's master-data pages in a real browser, each checked with axe: a clerk uploads
the example membership file (the test world knows only two of its municipalities, so the
other lines are reported as bad), sees the preview and imports; an administrator edits a
programme year and a text block."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from grants.models import LegalTextBlock, MembershipStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
EXAMPLE = Path(settings.BASE_DIR) / "fixtures" / "mitglieder-beispiel.csv"


def test_clerk_uploads_memberships_and_admin_edits_a_year(e2e, clerk, admin_user, gardelegen, bindlach, programme_year):
    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    office.goto("/verwaltung/stammdaten/", "overview")
    page.get_by_role("link", name="Mitgliedschaften hochladen").click()
    office.seen("upload")
    page.get_by_label("CSV-Datei").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    office.seen("preview")
    expect(page.get_by_text("Zeile 4: Gemeinde 15081455 ist nicht bekannt.")).to_be_visible()
    assert not MembershipStatus.objects.exists()
    page.get_by_role("button", name="Importieren").click()
    office.seen("imported")
    expect(page.get_by_text("4 neu, 0 geändert, 0 unverändert.")).to_be_visible()
    office.goto("/verwaltung/stammdaten/mitgliedschaften/", "memberships")
    page.get_by_role("link", name="Gardelegen, Hansestadt").click()
    office.seen("membership-detail")
    expect(page.get_by_role("table")).to_contain_text("beantragt")

    admin = e2e.persona("admin")
    apage = admin.page
    admin.login("admin")
    admin.goto("/verwaltung/stammdaten/programmjahre/", "years")
    admin.goto("/verwaltung/stammdaten/programmjahre/neu/", "year-new")
    admin.goto(f"/verwaltung/stammdaten/programmjahre/{programme_year.year}/", "year-edit")
    apage.get_by_label("Höchster Tagessatz Beratung (EUR, brutto)").fill("900,00")
    apage.get_by_role("button", name="Änderungen speichern").click()
    admin.seen("year-saved")
    expect(apage.locator(".site-messages")).to_contain_text("ist geändert")
    apage.get_by_role("link", name="Rechtsbehelfsbelehrung").click()
    admin.seen("text-block")
    apage.get_by_label("Text").fill("Gegen diesen Bescheid kann Widerspruch erhoben werden.")
    apage.get_by_role("button", name="Textbaustein speichern").click()
    admin.seen("text-saved")
    assert LegalTextBlock.objects.get(programme_year=programme_year, kind="remedy").text.startswith("Gegen")
    e2e.assert_accessible()
