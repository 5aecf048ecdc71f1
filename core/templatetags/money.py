from decimal import Decimal

from django import template

from core.money import format_eur

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    """``1234.5`` → ``1.234,50 €``; empty for ``None``."""
    if value is None or value == "":
        return ""
    return format_eur(value)
