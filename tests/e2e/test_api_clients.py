"""An administrator creates an API client in a real browser, sees its token once, and
revokes it; every page is checked with axe (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiClient
from api.services import token_hash

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_administration_creates_and_revokes_an_api_client(e2e, admin_user):
    admin = e2e.persona("admin")
    page = admin.page
    admin.login("admin")
    admin.goto("/verwaltung/api-zugaenge/", "api-clients")
    expect(page.get_by_text("Noch kein Zugang angelegt.")).to_be_visible()

    # Without a name: a German message next to the field.
    page.get_by_role("button", name="Zugang anlegen").click()
    admin.seen("api-clients-errors")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    assert not ApiClient.objects.exists()

    page.get_by_label("Name").fill("Netzwerkplattform")
    page.get_by_label("Lesen und Schreiben").check()
    page.get_by_role("button", name="Zugang anlegen").click()
    admin.seen("api-clients-token")
    token = page.get_by_test_id("api-token").inner_text().strip()
    client = ApiClient.objects.get()
    assert client.token_hash == token_hash(token)
    assert (client.name, client.scope, client.created_by) == ("Netzwerkplattform", "write", admin_user)
    expect(page.get_by_role("table")).to_contain_text(client.prefix)

    # Shown once: the next visit no longer has it.
    admin.goto("/verwaltung/api-zugaenge/", "api-clients-again")
    expect(page.get_by_test_id("api-token")).to_have_count(0)
    expect(page.get_by_text(token)).to_have_count(0)

    page.get_by_role("link", name=re.compile("widerrufen.*Netzwerkplattform")).click()
    admin.seen("api-client-revoke")
    page.get_by_role("button", name="Ja, Zugang widerrufen").click()
    expect(page.locator(".site-messages")).to_contain_text("Der API-Zugang »Netzwerkplattform« ist widerrufen.")
    admin.seen("api-clients-revoked")
    expect(page.get_by_role("table")).to_contain_text("widerrufen am 25.11.2026")
    client.refresh_from_db()
    assert client.revoked_at is not None

    e2e.assert_accessible()
