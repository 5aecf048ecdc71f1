"""Meine Kommune: the applicant enters the postal address notices go to, first with a
mistake (German message next to the field, nothing typed lost), then correctly; every page
is checked with axe (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from grants.models import MunicipalityAddress

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_applicant_enters_the_address_for_notices(e2e, applicant, gardelegen, active_members):
    MunicipalityAddress.objects.filter(municipality=gardelegen).delete()
    person = e2e.persona("applicant")
    page = person.page
    person.login("antrag")
    person.goto(f"/kommune/{gardelegen.ags}/", "municipality")
    expect(page.get_by_text("Anschrift unvollständig")).to_be_visible()
    page.get_by_role("link", name="Anschrift bearbeiten").click()
    person.seen("address-form")

    page.get_by_label("Straße").fill("Rathausplatz")
    page.get_by_label("Postleitzahl").fill("39638")
    page.get_by_label("Ort").fill("Gardelegen")
    page.get_by_role("button", name="Anschrift speichern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Anschrift"))
    person.seen("address-errors")
    number = page.get_by_label("Hausnummer")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Straße")).to_have_value("Rathausplatz")

    number.fill("10")
    page.get_by_role("button", name="Anschrift speichern").click()
    expect(page.locator(".site-messages")).to_contain_text("Die Anschrift ist gespeichert.")
    person.seen("municipality-with-address")
    expect(page.get_by_text("Rathausplatz 10")).to_be_visible()
    person.goto(f"/kommune/{gardelegen.ags}/anschrift/", "address-history")
    expect(page.get_by_text("Hausnummer: „–“ → „10“")).to_be_visible()
