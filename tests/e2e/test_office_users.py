"""The office's pages for people in a real browser, each checked with axe: a clerk confirms
a newcomer's request for a municipality that asked to join the network and takes it in as a
member; an administrator finds the newcomer on the users page and gives them an office role,
which the account's history then names."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants import affiliations as services
from grants.models import Affiliation, MembershipStatus
from grants.roles import Role, user_roles
from tests.factories import user_with_roles

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clerk_confirms_a_request_and_admin_assigns_a_role(e2e, clerk, admin_user, bindlach):
    newcomer = user_with_roles("neu", first_name="Nora", last_name="Neu")
    services.affiliation_request_create(user=newcomer, municipality=bindlach, function="Kämmerin", join_network=True)

    office = e2e.persona("clerk")
    page = office.page
    office.login("sachbearbeitung")
    page.get_by_role("link", name="Anfragen").first.click()
    office.seen("requests")
    expect(page.get_by_text("Nora Neu", exact=True)).to_be_visible()
    page.get_by_role("button", name="Nora Neu bestätigen").click()
    office.seen("request-confirmed")
    expect(page.locator(".site-messages")).to_contain_text("bestätigt")
    page.get_by_role("button", name="Bindlach als Mitglied aufnehmen").click()
    expect(page.locator(".site-messages")).to_contain_text("Bindlach ist jetzt aktives Mitglied.")
    office.seen("member-activated")
    assert Affiliation.objects.filter(user=newcomer, municipality=bindlach, is_main_contact=True).exists()
    assert MembershipStatus.objects.filter(municipality=bindlach).latest("since").status == "active"

    admin = e2e.persona("admin")
    apage = admin.page
    admin.login("admin")
    admin.goto("/verwaltung/benutzer/", "users")
    apage.get_by_label("Name, E-Mail-Adresse oder Kommune").fill("Bindlach")
    apage.get_by_role("button", name="Suchen").click()
    admin.seen("users-found")
    apage.get_by_role("link", name="Nora Neu").click()
    admin.seen("user-detail")
    apage.get_by_label("Sachbearbeitung").check()
    apage.get_by_role("button", name="Rollen speichern").click()
    expect(apage.locator(".site-messages")).to_contain_text("Die Rollen sind gespeichert.")
    admin.seen("roles-saved")
    expect(apage.get_by_role("region", name="Änderungen am Konto")).to_contain_text("Rollen geändert")
    expect(apage.get_by_role("region", name="Änderungen am Konto")).to_contain_text("Sachbearbeitung")
    assert Role.CLERK in user_roles(newcomer)
