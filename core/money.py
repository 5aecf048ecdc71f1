"""The one place where money is rounded.

Amounts are ``Decimal`` with two places, rounded half up (kaufmännisches Runden),
never ``float``: a float cannot represent 0.10 EUR exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal rounded half up to cents.

    Floats are refused on purpose: they have already lost precision.
    """
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or str.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"{value!r} is not an amount of money.") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money.")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(amount: Decimal) -> str:
    """German notation for documents and e-mails: ``1.234,56 €``."""
    value = money(amount)
    sign = "-" if value < 0 else ""
    integer, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"


def format_eur_english(amount: Decimal) -> str:
    """English notation for English pages: ``€1,234.56`` (``-€12.00``)."""
    value = money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}€{abs(value):,.2f}"


def format_percent_english(value: Decimal) -> str:
    return f"{Decimal(value):.2f} %"


def format_percent(value: Decimal) -> str:
    """German notation of a rate in percent, two places: ``-0,88 %``."""
    return f"{Decimal(value):.2f}".replace(".", ",") + " %"
