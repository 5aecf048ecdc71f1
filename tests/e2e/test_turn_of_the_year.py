"""The turn of the year in a real browser: the applicant chooses the programme year of a
new draft, the deadline passes at midnight, and the draft moves into the next year.

Ten minutes before the end of 30.09.2026 both 2026 and 2027 take applications; after
midnight (Berlin time) only 2027 does. Every page seen is screenshotted and checked
with axe (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants.models import Application
from tests.clock import berlin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.now("2026-09-30T23:50+02:00")
def test_choose_the_year_then_move_the_late_draft(
    e2e, applicant, gardelegen, programme_year, next_programme_year, active_members, clock
):
    municipality = e2e.persona("antrag")
    municipality.login("antrag")
    page = municipality.page

    page.get_by_role("link", name="Neuer Antrag").click()
    choice = page.get_by_role("group", name="Für welches Programmjahr?")
    expect(choice.get_by_role("radio", name="2026 (Antragsfrist 30.09.2026)")).to_be_checked()
    expect(choice.get_by_role("radio", name="2027 (Antragsfrist 30.09.2027)")).not_to_be_checked()
    municipality.seen("new-application-year-choice")
    page.get_by_label("Titel des Vorhabens").fill("Werkstatt kurz vor Fristende")
    page.get_by_label("Beginn des Vorhabens").fill("01.12.2026")
    page.get_by_label("Ende des Vorhabens").fill("20.12.2026")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".site-messages")).to_contain_text("Der Entwurf wurde gespeichert.")
    municipality.seen("draft-saved")
    assert Application.objects.get().programme_year == programme_year

    clock.move_to(berlin(2026, 10, 1, 0, 5))  # the deadline ended at 24:00 Berlin time
    page.reload()
    notice = page.get_by_role("region", name="Antragsfrist für 2026 abgelaufen")
    expect(notice).to_contain_text(
        "Die Antragsfrist für 2026 ist am 30.09.2026 um 24:00 Uhr abgelaufen. Sie können den Entwurf in das "
        "Programmjahr 2027 übernehmen; alle Angaben bleiben erhalten."
    )
    municipality.seen("draft-deadline-passed")

    notice.get_by_role("button", name="In das Programmjahr 2027 übernehmen").click()
    expect(page.locator(".site-messages")).to_contain_text("Der Entwurf gehört jetzt zum Programmjahr 2027.")
    expect(page.get_by_text("Der Zeitraum des Vorhabens (01.12.2026 – 20.12.2026) liegt nicht im")).to_be_visible()
    expect(page.get_by_label("Titel des Vorhabens")).to_have_value("Werkstatt kurz vor Fristende")
    municipality.seen("draft-moved")
    assert Application.objects.get().programme_year == next_programme_year

    page.get_by_role("link", name="Zur Übersicht des Antrags").click()
    expect(page.get_by_role("region", name="Verlauf")).to_contain_text(
        "Vom Programmjahr 2026 in das Programmjahr 2027 übernommen."
    )
    municipality.seen("detail-moved")

    e2e.assert_accessible()
