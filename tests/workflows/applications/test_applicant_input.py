"""Bad input: German messages next to the fields, no 500, and nothing typed is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Application, Municipality
from tests.clock import DEADLINE_DAY
from tests.workflows.applications.test_applicant_flow import cost_type, post_data

# New drafts through the form: on a day the seed year still takes applications.
pytestmark = pytest.mark.now(DEADLINE_DAY)
NEW = "applicant_application_new"


@pytest.fixture
def browser(client_for, applicant, gardelegen, programme_year, active_members):
    return client_for(applicant)


def edit_url(application: Application) -> str:
    return reverse("applicant_application_edit", kwargs={"pk": application.pk})


def test_empty_form_saves_nothing_and_names_the_title(browser):
    data = {"kosten-TOTAL_FORMS": "3", "kosten-INITIAL_FORMS": "0"}
    response = browser.post(reverse(NEW), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert "Bitte geben Sie einen Titel an" in content
    assert 'aria-invalid="true"' in content


def test_completely_empty_post_does_not_break(browser):
    response = browser.post(reverse(NEW), {})
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert "Bitte geben Sie einen Titel an" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5,00", "mindestens 0,01"),
        ("0", "mindestens 0,01"),
        ("1e20", "höchstens 9.999.999,99"),
        ("99999999999999999999999999", "höchstens 9.999.999,99"),
        ("abc", "Bitte geben Sie einen Betrag in Euro ein"),
        ("12,345", "höchstens zwei Nachkommastellen"),
        ("NaN", "Bitte geben Sie einen Betrag in Euro ein"),
    ],
)
def test_bad_amounts_are_explained_and_kept(browser, typed, message):
    response = browser.post(reverse(NEW), post_data(requested_amount=typed))
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert f'value="{typed}"' in content
    # Everything valid was saved; the amount stays empty until it is corrected.
    application = Application.objects.get()
    assert application.title == "Demografie-Werkstatt Gardelegen"
    assert application.requested_amount is None
    assert application.cost_lines.count() == 2
    # The page now edits the new draft, with its current revision.
    assert f'action="{edit_url(application)}"' in content
    assert f'name="revision" value="{application.revision}"' in content


def test_german_amount_notation_is_understood(browser):
    browser.post(reverse(NEW), post_data(requested_amount="1.234,56"))
    assert Application.objects.get().requested_amount == Decimal("1234.56")


def test_malformed_iban_is_refused_with_the_reason(browser):
    response = browser.post(reverse(NEW), post_data(iban="DE00 1234"))
    content = response.content.decode()
    assert "Die IBAN ist ungültig" in content
    assert "22 Zeichen" in content
    assert 'value="DE00 1234"' in content
    application = Application.objects.get()
    assert application.iban == ""


def test_iban_with_wrong_check_digits(browser):
    response = browser.post(reverse(NEW), post_data(iban="DE88 3704 0044 0532 0130 00"))
    assert "Prüfziffer" in response.content.decode()


def test_cost_line_with_days_and_flat_amount(browser):
    lines = [
        {
            "cost_type": cost_type("moderation"),
            "description": "Moderation",
            "days": "2",
            "day_rate": "850",
            "flat_amount": "300",
        }
    ]
    response = browser.post(reverse(NEW), post_data(lines=lines))
    content = response.content.decode()
    assert response.status_code == 200
    assert "entweder Tage und Tagessatz oder einen Pauschalbetrag" in content
    assert 'href="#id_kosten-0-flat_amount"' in content  # the summary links to the field
    assert 'value="300"' in content
    assert Application.objects.get().cost_lines.count() == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"description": "Moderation", "flat_amount": "100"}, "Bitte wählen Sie eine Kostenart."),
        ({"cost_type": "travel", "flat_amount": "100"}, "Bitte beschreiben Sie die Position"),
        ({"cost_type": "travel", "description": "Bahn"}, "Tage und Tagessatz oder einen Pauschalbetrag an."),
        ({"cost_type": "moderation", "description": "M", "days": "2"}, "auch den Tagessatz"),
        ({"cost_type": "moderation", "description": "M", "day_rate": "850"}, "auch die Zahl der Tage"),
        ({"cost_type": "moderation", "description": "M", "days": "0,25", "day_rate": "850"}, "mindestens 0,5"),
        ({"cost_type": "moderation", "description": "M", "days": "9999", "day_rate": "9999999"}, "mehr als"),
        ({"cost_type": "999999", "description": "M", "flat_amount": "5"}, "gültige Auswahl"),
    ],
)
def test_cost_line_errors(browser, line, message):
    if line.get("cost_type") in ("travel", "moderation"):
        line = {**line, "cost_type": cost_type(line["cost_type"])}
    response = browser.post(reverse(NEW), post_data(lines=[line]))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_empty_cost_rows_are_ignored_and_totals_recomputed(browser):
    lines = [
        {},
        {"cost_type": cost_type("moderation"), "description": "Moderation", "days": "1,5", "day_rate": "800,00"},
        {"description": "   "},
    ]
    response = browser.post(reverse(NEW), post_data(lines=lines))
    assert response.status_code == 302
    application = Application.objects.get()
    assert [line.amount for line in application.cost_lines.all()] == [Decimal("1200.00")]


def test_period_end_before_start_keeps_the_saved_period(browser):
    browser.post(reverse(NEW), post_data())
    application = Application.objects.get()
    response = browser.post(
        edit_url(application),
        post_data(period_start="10.12.2026", period_end="01.12.2026", revision=application.revision, initial_lines=2),
    )
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.content.decode()
    application.refresh_from_db()
    assert str(application.period_start) == "2026-12-01"
    assert str(application.period_end) == "2026-12-20"


def test_partial_save_on_edit_keeps_valid_fields_and_shows_the_rest(browser):
    browser.post(reverse(NEW), post_data())
    application = Application.objects.get()
    response = browser.post(
        edit_url(application),
        post_data(
            title="Neuer Titel",
            requested_amount="viel",
            contact_email="keine-adresse",
            revision=application.revision,
            initial_lines=2,
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "gültige E-Mail-Adresse" in content
    assert 'value="viel"' in content and 'value="keine-adresse"' in content
    application.refresh_from_db()
    assert application.title == "Neuer Titel"
    assert application.requested_amount == Decimal("2670.00")
    assert application.contact_email == "kontakt@gardelegen.example"
    # The re-rendered page carries the new revision, so correcting and saving works.
    response = browser.post(
        edit_url(application),
        post_data(title="Neuer Titel", revision=application.revision, initial_lines=2, requested_amount="100"),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested_amount == Decimal("100.00")


def test_missing_revision_is_refused_without_saving(browser):
    browser.post(reverse(NEW), post_data(title="Alt"))
    application = Application.objects.get()
    response = browser.post(edit_url(application), post_data(title="Neu", initial_lines=2))
    assert response.status_code == 200
    assert "Bitte laden Sie die Seite neu" in response.content.decode()
    application.refresh_from_db()
    assert application.title == "Alt"


def test_tampered_management_form_does_not_break(browser):
    data = post_data()
    data["kosten-TOTAL_FORMS"] = "abc"
    response = browser.post(reverse(NEW), data)
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.cost_lines.count() == 0


def test_bad_date_and_phone(browser):
    response = browser.post(reverse(NEW), post_data(period_start="31.02.2026", contact_phone="<script>"))
    content = response.content.decode()
    assert "Format TT.MM.JJJJ" in content
    assert "nur Ziffern" in content
    assert "<script>" not in content.split('id="main"')[1]


def test_unknown_and_ambiguous_partners(browser, bindlach, kreis_bayreuth):
    Municipality.objects.create(ags="09472200", name="Bad Berneck", kind="63", land=bindlach.land, kreis=kreis_bayreuth)
    Municipality.objects.create(
        ags="09472201", name="Berneck-Nord", kind="64", land=bindlach.land, kreis=kreis_bayreuth
    )
    typed = "Nirgendwo\nBerneck\n99999999"
    response = browser.post(reverse(NEW), post_data(purpose="networking", partners=typed))
    content = response.content.decode()
    assert "»Nirgendwo« wurde nicht gefunden" in content
    assert "»Berneck« ist nicht eindeutig" in content
    assert "Bad Berneck (09472200)" in content and "Berneck-Nord (09472201)" in content
    assert "AGS 99999999 gibt es nicht" in content
    assert "Nirgendwo\nBerneck\n99999999</textarea>" in content


def test_own_municipality_is_no_partner(browser, gardelegen):
    response = browser.post(reverse(NEW), post_data(purpose="networking", partners="15081135"))
    assert "eigene Kommune" in response.content.decode()


def test_names_with_commas_and_comma_separated_lists(browser, bindlach, kreis_salzwedel):
    klotze = Municipality.objects.create(
        ags="15081280", name="Klötze, Stadt", kind="63", land=kreis_salzwedel.land, kreis=kreis_salzwedel
    )
    browser.post(reverse(NEW), post_data(purpose="networking", partners="Klötze, Stadt; Bindlach"))
    application = Application.objects.get()
    assert set(application.partner_municipalities.all()) == {klotze, bindlach}
    browser.post(
        edit_url(application),
        post_data(purpose="networking", partners="Bindlach, Klötze", revision=application.revision, initial_lines=2),
    )
    assert set(application.partner_municipalities.all()) == {klotze, bindlach}


def test_submit_with_a_field_error_saves_but_does_not_submit(browser):
    response = browser.post(reverse(NEW), post_data(submit="1", requested_amount="abc"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "nicht eingereicht" in content
    application = Application.objects.get()
    assert application.status == Application.Status.DRAFT
    assert application.file_number is None
