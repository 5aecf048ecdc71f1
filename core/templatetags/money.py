from decimal import Decimal

from django import template

from core.money import format_eur, format_percent

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """``1234.5`` → ``1.234,50 €``; empty for ``None``."""
    if value is None or value == "":
        return ""
    return format_eur(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """``-0.88`` → ``-0,88 %`` whatever the page language; empty for ``None``."""
    if value is None or value == "":
        return ""
    return format_percent(value)
