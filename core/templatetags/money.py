from decimal import Decimal

from django import template
from django.utils import translation

from core.money import format_eur, format_eur_english, format_percent, format_percent_english

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """``1234.5`` → ``1.234,50 €`` on German pages, ``€1,234.50`` on English ones; empty for ``None``.

    Only what is shown follows the page language: notices, reports and form inputs stay German.
    """
    if value is None or value == "":
        return ""
    if translation.get_language() == "en":
        return format_eur_english(value)
    return format_eur(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """``-0.88`` → ``-0,88 %`` (``-0.88 %`` on English pages); empty for ``None``."""
    if value is None or value == "":
        return ""
    if translation.get_language() == "en":
        return format_percent_english(value)
    return format_percent(value)
