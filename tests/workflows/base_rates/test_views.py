"""The administrators' Basiszinssatz page, and the warning on the office's start pages
while the rate of the current half-year is missing.

Today is 25.11.2026 and the shipped table ends with the half-year from 01.01.2026: the
rate from 01.07.2026 is missing (it is not invented here; the tests enter test values).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import BaseRate
from grants.roles import Role
from tests import factories

URL = "/verwaltung/basiszinssatz/"
WARNING = "Der Basiszinssatz ab dem 01.07.2026 ist nicht hinterlegt."
NEXT = datetime.date(2026, 7, 1)


def post(**overrides) -> dict:
    data = {
        "valid_from": "01.07.2026",
        "rate": "1,11",
        "source": "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger",
        "published_on": "30.06.2026",
    }
    data.update(overrides)
    return data


def field_error(content: str, name: str) -> str:
    """The error text shown next to a field (templates/includes/field_errors.html)."""
    match = re.search(rf'<div class="kern-error" id="id_{name}_error">(.*?)</div>', content, re.S)
    assert match, f"no error next to {name}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def rows() -> list:
    return list(BaseRate.objects.order_by("pk").values_list())


# --- the page ---------------------------------------------------------------------------------


def test_the_url_is_the_administrations_own():
    assert reverse("base_rate_list") == URL


@pytest.mark.parametrize("persona", ["applicant", "clerk", "approver", "controller"])
def test_only_administrators_see_the_page(request, db, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, post()).status_code == 403
    assert not BaseRate.objects.filter(valid_from=NEXT).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")


def test_the_page_lists_every_rate_and_offers_the_next_half_year(client_for, admin_user):
    response = client_for(admin_user).get(URL)
    content = response.content.decode()

    assert response.status_code == 200
    assert "<title>Basiszinssatz |" in content
    assert "Basiszinssatz ab dem 01.07.2026 eintragen" in content
    assert 'value="01.07.2026"' in content
    # Newest first; each row with its rate, the interest rate for refunds, source and origin.
    assert content.index("01.01.2026") < content.index("01.07.2025") < content.index("01.01.2002")
    assert "2,57 %" in content
    assert "-0,88 %" in content
    assert "6,27 %" in content
    assert "Deutsche Bundesbank, Basiszinssatz nach § 247 BGB" in content
    assert "mitgeliefert oder importiert" in content
    # The warning, with the way to fix it right here.
    assert WARNING in content


def test_the_navigation_leads_administrators_to_the_page(client_for, admin_user, clerk):
    assert f'href="{URL}"' in client_for(admin_user).get(URL).content.decode()
    clerk_page = client_for(clerk).get(reverse("office_queue")).content.decode()
    assert f'href="{URL}"' not in clerk_page


def test_an_administrator_adds_the_next_rate(client_for, admin_user):
    client = client_for(admin_user)

    response = client.post(URL, post(rate="-0,5"))

    assert response.status_code == 302
    assert response["Location"] == URL
    row = BaseRate.objects.get(valid_from=NEXT)
    assert (row.rate, row.published_on, row.created_by) == (Decimal("-0.50"), datetime.date(2026, 6, 30), admin_user)
    assert row.source == "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger"
    page = client.get(URL).content.decode()
    assert "Der Basiszinssatz ab dem 01.07.2026 ist mit -0,50 % eingetragen." in page
    assert "admin am 25.11.2026" in page
    assert "30.06.2026" in page
    assert WARNING not in page
    assert 'value="01.01.2027"' in page


def test_errors_are_german_next_to_their_fields_and_nothing_typed_is_lost(client_for, admin_user):
    before = rows()
    data = post(valid_from="15.07.2026", rate="33,3", source="", published_on="01.12.2026")

    response = client_for(admin_user).post(URL, data)

    content = response.content.decode()
    assert response.status_code == 200
    assert rows() == before
    assert "<title>Fehler: Basiszinssatz |" in content
    assert "Bitte prüfen Sie Ihre Angaben." in content
    assert field_error(content, "source").endswith(
        "Bitte geben Sie die Quelle an, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."
    )
    # The source is missing, so the rules of the service have not run yet; typed values stay.
    assert 'value="15.07.2026"' in content
    assert 'value="33,3"' in content
    assert 'value="01.12.2026"' in content

    response = client_for(admin_user).post(URL, dict(data, source="Bundesanzeiger"))
    content = response.content.decode()
    assert rows() == before
    assert "nur zum 1. Januar und zum 1. Juli" in field_error(content, "valid_from")
    assert "zwischen -10,00 % und 20,00 %" in field_error(content, "rate")
    assert "nicht in der Zukunft" in field_error(content, "published_on")
    assert 'value="Bundesanzeiger"' in content
    assert 'value="33,3"' in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valid_from", "31.02.2026", "Den 31.02.2026 gibt es nicht. Bitte prüfen Sie Tag und Monat."),
        ("valid_from", "", "Bitte geben Sie an, ab wann der Basiszinssatz gilt."),
        ("valid_from", "01.01.2027", "Als Nächstes ist der Basiszinssatz ab dem 01.07.2026 einzutragen"),
        ("valid_from", "01.01.2026", "bereits ein Basiszinssatz hinterlegt: 1,27 %"),
        ("rate", "1,275", "höchstens zwei Nachkommastellen"),
        ("rate", "1.234", "zwischen -10,00 % und 20,00 %"),  # German notation: 1.234 is a thousand and more
        ("rate", "eins", "Bitte geben Sie den Basiszinssatz als Zahl in Prozent an"),
        ("rate", "", "Bitte geben Sie den Basiszinssatz in Prozent an"),
        ("source", "x" * 201, "Die Quelle ist zu lang (höchstens 200 Zeichen)."),
        ("published_on", "", "Bitte geben Sie an, wann der Basiszinssatz veröffentlicht wurde."),
        ("published_on", "30.06.2025", "mehr als ein Jahr vor dem Beginn des Halbjahrs (01.07.2026)"),
    ],
)
def test_each_refusal_is_shown_next_to_its_field(client_for, admin_user, field, value, message):
    before = rows()
    response = client_for(admin_user).post(URL, post(**{field: value}))
    assert response.status_code == 200
    assert message in field_error(response.content.decode(), field)
    assert rows() == before


def test_the_second_entry_of_a_half_year_names_the_first(client_for, admin_user):
    client = client_for(admin_user)
    assert client.post(URL, post()).status_code == 302
    response = client.post(URL, post(rate="1,12"))
    assert "bereits ein Basiszinssatz hinterlegt: 1,11 % (Quelle: Deutsche Bundesbank" in field_error(
        response.content.decode(), "valid_from"
    )
    assert BaseRate.objects.get(valid_from=NEXT).rate == Decimal("1.11")


def test_the_page_has_no_way_to_change_or_delete_a_rate(client_for, admin_user):
    content = client_for(admin_user).get(URL).content.decode()
    assert "bearbeiten" not in content.lower()
    assert "löschen" not in content.lower()
    assert client_for(admin_user).put(URL).status_code == 405
    assert client_for(admin_user).delete(URL).status_code == 405


# --- the warning on the office's start pages ----------------------------------------------------

START_PAGES = [("clerk", "office_queue"), ("clerk", "proof_office_list"), ("controller", "budget_overview")]


@pytest.mark.now("2026-11-25T10:00+01:00")
@pytest.mark.parametrize(("persona", "url_name"), START_PAGES)
def test_the_start_pages_warn_while_the_half_year_is_missing(request, client_for, programme_year, persona, url_name):
    content = client_for(request.getfixturevalue(persona)).get(reverse(url_name)).content.decode()
    assert WARNING in content
    # Only the administration can enter it: no link for the office.
    assert URL not in content


@pytest.mark.parametrize("url_name", ["office_queue", "proof_office_list", "budget_overview"])
def test_administrators_in_the_office_get_the_link(client_for, programme_year, url_name):
    both = factories.user_with_roles("admin-sachbearbeitung", Role.ADMIN, Role.CLERK)
    content = client_for(both).get(reverse(url_name)).content.decode()
    assert WARNING in content
    assert f'<a class="kern-link" href="{URL}">Basiszinssatz eintragen</a>' in content


@pytest.mark.parametrize(("persona", "url_name"), START_PAGES)
def test_no_warning_once_the_rate_is_entered(request, client_for, admin_user, programme_year, persona, url_name):
    assert client_for(admin_user).post(URL, post()).status_code == 302
    content = client_for(request.getfixturevalue(persona)).get(reverse(url_name)).content.decode()
    assert "Basiszinssatz fehlt" not in content
    assert "ist nicht hinterlegt" not in content


@pytest.mark.now("2026-06-30T23:30+02:00")
@pytest.mark.parametrize(("persona", "url_name"), START_PAGES)
def test_no_warning_while_the_half_year_is_covered(request, client_for, programme_year, persona, url_name):
    content = client_for(request.getfixturevalue(persona)).get(reverse(url_name)).content.decode()
    assert "Basiszinssatz fehlt" not in content


@pytest.mark.now("2026-07-01T00:30+02:00")
def test_the_warning_starts_at_midnight_berlin_time(client_for, clerk, programme_year):
    # 22:30 UTC on 30 June: already 1 July in Berlin.
    assert WARNING in client_for(clerk).get(reverse("office_queue")).content.decode()
