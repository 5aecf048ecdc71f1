from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.forms import GermanDecimalField


class AmountForm(forms.Form):
    amount = GermanDecimalField(max_digits=12, decimal_places=2)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("850", Decimal("850")),
        ("850.00", Decimal("850.00")),
    ],
)
def test_amounts_are_read_the_german_way_in_every_language(language, typed, amount):
    with translation.override(language):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == amount


def test_amounts_are_shown_the_german_way_in_english_too():
    with translation.override("en"):
        html = str(AmountForm(initial={"amount": Decimal("1234.56")})["amount"])
    assert 'value="1.234,56"' in html
