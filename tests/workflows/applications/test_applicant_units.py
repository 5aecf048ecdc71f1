"""Small pieces behind the applicant pages: IBAN details, partner lookup, form fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from grants.banking import iban_details
from grants.errors import GrantsError
from tests import factories
from workflows.applications.forms import ApplicationForm, CostLineFormSet, resolve_partners


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def test_iban_is_normalised_and_the_bank_found():
    details = iban_details(iban=" de89 3704\t0044 0532 0130 00 ")
    assert details.iban == "DE89370400440532013000"
    assert details.bic == "COBADEFFXXX"
    assert details.bank_name == "Commerzbank"
    assert details.formatted == "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("DE00 1234", "22 Zeichen"),
        ("DE88 3704 0044 0532 0130 00", "Prüfziffer"),
        ("XX89 3704 0044 0532 0130 00", "Länderkennzeichen"),
        ("DE89 3704 0044 0532 0130 0!", "unzulässige Zeichen"),
        ("", "leer"),
    ],
)
def test_invalid_iban_says_why_in_german(typed, reason):
    with pytest.raises(GrantsError) as caught:
        iban_details(iban=typed)
    assert caught.value.message.startswith("Die IBAN ist ungültig")
    assert reason in caught.value.message


def test_iban_of_an_unknown_bank_is_accepted_without_bic():
    details = iban_details(iban="GB82 WEST 1234 5698 7654 32")
    assert details.iban == "GB82WEST12345698765432"
    assert details.bic == ""


def test_partner_lookup_by_ags_name_and_suffix(gardelegen, bindlach):
    found, errors = resolve_partners("09472119\nGardelegen, Hansestadt (15081135)\n\nbindlach")
    assert errors == []
    assert found == [bindlach, gardelegen]


def test_amounts_in_german_notation(gardelegen):
    form = ApplicationForm(
        {"title": "T", "requested_amount": "4.250,5", "period_start": "2026-03-01", "period_end": "1.3.26"},
        municipalities=[gardelegen],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["requested_amount"] == Decimal("4250.50")
    assert form.draft_data()["period_start"] == form.draft_data()["period_end"]


def test_formset_total_of_valid_lines(db):
    from grants.models import CostType

    moderation = CostType.objects.get(code="moderation").pk
    formset = CostLineFormSet(
        {
            "kosten-TOTAL_FORMS": "2",
            "kosten-INITIAL_FORMS": "0",
            "kosten-0-cost_type": moderation,
            "kosten-0-description": "M",
            "kosten-0-days": "2,5",
            "kosten-0-day_rate": "850",
            "kosten-1-cost_type": moderation,
            "kosten-1-description": "Pauschale",
            "kosten-1-flat_amount": "99,99",
        },
        prefix="kosten",
    )
    assert formset.is_valid()
    assert formset.total == Decimal("2224.99")
    assert [line.flat_amount for line in formset.cost_lines()] == [None, Decimal("99.99")]


def test_home_lists_the_applications(applicant, gardelegen, programme_year):
    application = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    request = RequestFactory().get("/antraege/")
    request.user = applicant
    html = render_to_string(
        "workflows/applicant_home.html",
        {"applications": [application], "municipalities": [gardelegen], "open_years": [programme_year]},
        request=request,
    )
    assert application.title in html
    assert f"/antraege/{application.pk}/" in html
    assert "Entwurf" in html
    assert "/antraege/neu/" in html
