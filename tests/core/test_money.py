from decimal import Decimal

import pytest

from core.money import format_eur, money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", Decimal("0.01")),  # half up, not banker's rounding
        ("0.015", Decimal("0.02")),
        ("2.675", Decimal("2.68")),
        ("-0.005", Decimal("-0.01")),
        (5000, Decimal("5000.00")),
        (Decimal("849.999"), Decimal("850.00")),
    ],
)
def test_money_rounds_half_up_to_cents(value, expected):
    assert money(value) == expected
    assert money(value).as_tuple().exponent == -2


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity"])
def test_money_refuses_what_is_not_an_amount(bad):
    with pytest.raises(ValueError):
        money(bad)


def test_money_refuses_float():
    with pytest.raises(TypeError):
        money(0.1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234.56"), "1.234,56\u00a0€"),
        (Decimal("5000"), "5.000,00\u00a0€"),
        (Decimal("0.5"), "0,50\u00a0€"),
        (Decimal("-1234567.891"), "-1.234.567,89\u00a0€"),
    ],
)
def test_format_eur_is_german(value, text):
    assert format_eur(value) == text
