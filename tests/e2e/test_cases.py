"""The clerk's start page and the list of all applications in a real browser, checked with
axe: the figures of what is due, a figure's link, a search, a filter and its removal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.builders import request as payout_request

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clerk_sees_what_is_due_and_searches_all_applications(
    e2e, approved, applicant, foreign_applicant, bindlach, programme_year, clerk
):
    payout_request(approved, applicant)
    bindlach_file = factories.in_review(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        title="Seniorenbeirat vernetzen",
    )

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    expect(page.get_by_role("heading", name="Übersicht", level=1)).to_be_visible()
    due = page.get_by_role("row").filter(has_text="Mittelabrufe zur Prüfung")
    expect(due).to_contain_text("1")
    expect(page.get_by_role("heading", name=f"Fristen des Programmjahres {programme_year.year}")).to_be_visible()
    due.get_by_role("link").click()
    office.seen("due-payouts")
    expect(page.get_by_role("heading", name="1 Antrag", level=2)).to_be_visible()
    expect(page.get_by_role("link", name=approved.file_number)).to_be_visible()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Alle Anträge").click()
    office.seen("all")
    expect(page.get_by_role("heading", name="2 Anträge", level=2)).to_be_visible()
    page.get_by_role("textbox", name="Suche").fill("Bindlach")
    page.get_by_role("button", name="Suchen").click()
    office.seen("search")
    expect(page.get_by_role("link", name=bindlach_file.file_number)).to_be_visible()
    expect(page.get_by_role("link", name=approved.file_number)).to_have_count(0)

    page.get_by_role("textbox", name="Suche").fill("")
    page.get_by_role("combobox", name="Land", exact=False).first.select_option(label="Sachsen-Anhalt")
    page.get_by_role("button", name="Suchen").click()
    office.seen("filtered")
    expect(page.get_by_role("heading", name="1 Antrag", level=2)).to_be_visible()
    expect(page.get_by_role("link", name=approved.file_number)).to_be_visible()
    page.get_by_role("link", name="Filter „Land“ entfernen").click()
    office.seen("filter-removed")
    expect(page.get_by_role("heading", name="2 Anträge", level=2)).to_be_visible()

    # A complete file number opens the file.
    page.get_by_role("textbox", name="Suche").fill(bindlach_file.file_number)
    page.get_by_role("button", name="Suchen").click()
    office.seen("case")
    expect(page.get_by_role("heading", level=1)).to_contain_text(bindlach_file.file_number)
    e2e.assert_accessible()
