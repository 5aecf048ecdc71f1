"""The legal pages in a real browser: an anonymous visitor opens the three footer links
from the login page, and an administrator edits the imprint, whereupon the public page
shows the new text and version. Every page is checked with axe (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.models import LegalPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_anonymous_visitor_opens_the_legal_pages_from_the_login_page(e2e):
    visitor = e2e.persona("visitor")
    page = visitor.page
    footer = page.get_by_role("navigation", name="Rechtliches")
    for link, heading in (
        ("Impressum", "Impressum"),
        ("Datenschutz", "Datenschutzerklärung"),
        ("Barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ):
        visitor.goto("/konto/anmelden/", "login")
        footer.get_by_role("link", name=link).click()
        page.wait_for_url(re.compile(r"/(impressum|datenschutz|barrierefreiheit)/$"))
        visitor.seen(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_text(re.compile(r"^Stand: \d\d\.\d\d\.\d{4} · Fassung 1$"))).to_be_visible()
    # The accessibility statement links the Schlichtungsstelle.
    expect(page.get_by_role("link", name="https://www.schlichtungsstelle-bgg.de")).to_have_attribute(
        "href", "https://www.schlichtungsstelle-bgg.de"
    )
    e2e.assert_accessible()


def test_an_administrator_edits_the_imprint_and_the_public_page_shows_it(e2e, admin_user):
    admin = e2e.persona("admin")
    page = admin.page
    admin.login("admin")  # lands in Django's admin, which has no site navigation
    admin.goto("/verwaltung/basiszinssatz/", "base-rates")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Rechtstexte").click()
    page.wait_for_url(re.compile(r"/verwaltung/rechtstexte/$"))
    admin.seen("legal-list")
    page.get_by_role("link", name="Impressum bearbeiten").click()
    page.wait_for_url(re.compile(r"/verwaltung/rechtstexte/imprint/$"))
    admin.seen("legal-edit")

    # An empty text is refused, and the title typed stays.
    page.get_by_label("Überschrift").fill("Impressum der Geschäftsstelle")
    page.get_by_label("Text", exact=True).fill("")
    page.get_by_role("button", name="Neue Fassung speichern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Impressum bearbeiten"))
    admin.seen("legal-edit-error")
    text = page.get_by_label("Text", exact=True)
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(re.compile("Bitte geben Sie den Text der Seite an."))
    expect(page.get_by_label("Überschrift")).to_have_value("Impressum der Geschäftsstelle")

    text.fill("Geschäftsstelle Zukunftsraum Demografie\n\nTelefon: 030 123456 <b>nicht fett</b>")
    page.get_by_role("button", name="Neue Fassung speichern").click()
    expect(page.locator(".site-messages")).to_contain_text("ist als Fassung 2 gespeichert")
    admin.seen("legal-edit-saved")
    versions = page.get_by_role("table")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("admin")
    expect(versions.get_by_role("row").nth(2)).to_contain_text("Vorlage")
    assert LegalPage.objects.get(kind="imprint").version == 2

    visitor = e2e.persona("visitor")
    visitor.goto("/impressum/", "imprint")
    public = visitor.page
    expect(public.get_by_role("heading", level=1)).to_have_text("Impressum der Geschäftsstelle")
    expect(public.get_by_text(re.compile(r"· Fassung 2$"))).to_be_visible()
    expect(public.get_by_text("Telefon: 030 123456 <b>nicht fett</b>")).to_be_visible()
    e2e.assert_accessible()
