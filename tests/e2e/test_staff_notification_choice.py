"""A clerk chooses on the profile page how to hear of new work; the page with the
choice passes axe (see conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import UserProfile

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_clerk_switches_to_the_daily_digest(e2e, clerk):
    person = e2e.persona("sachbearbeitung")
    person.login("sachbearbeitung")
    page = person.page
    person.goto("/konto/profil/", "profile-staff")
    group = page.get_by_role("group", name="E-Mails über Aufgaben, Antworten und offene Entscheidungen")
    expect(group.get_by_label("sofort, eine E-Mail je Ereignis")).to_be_checked()
    page.get_by_label("Vorname").fill("Sina")
    page.get_by_label("Nachname").fill("Sachbearbeitung")
    group.get_by_label("einmal täglich als Sammel-E-Mail").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(lambda url: url.endswith("/konto/profil/"))
    person.seen("profile-saved")
    expect(page.get_by_text("Ihr Profil ist gespeichert.")).to_be_visible()
    expect(group.get_by_label("einmal täglich als Sammel-E-Mail")).to_be_checked()
    assert UserProfile.objects.get(user=clerk).staff_notifications == "digest"
