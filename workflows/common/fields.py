"""The German form fields every process uses: dates as typed in Germany, amounts in German notation,
and draft fields that are marked as required but may be saved empty."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_day, plausible_range
from core.forms import GermanDecimalField

MIN_AMOUNT = Decimal("0.01")


MAX_AMOUNT = Decimal("9999999.99")


DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]


GERMAN_DATE_RE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*$")


class EmptyAllowedMixin:
    """Marked as required (no "optional" mark next to the label) but accepted empty.

    A draft may be saved half-filled; what a submission needs is checked by the
    ``application_submit`` service, what a cost line needs by ``CostLineForm.clean``.
    """

    def validate(self, value):
        if value in self.empty_values or value is False:
            return
        super().validate(value)


class DraftCharField(EmptyAllowedMixin, forms.CharField):
    pass


class DraftEmailField(EmptyAllowedMixin, forms.EmailField):
    pass


class DraftChoiceField(EmptyAllowedMixin, forms.ChoiceField):
    pass


class DraftModelChoiceField(EmptyAllowedMixin, forms.ModelChoiceField):
    pass


class DraftBooleanField(EmptyAllowedMixin, forms.BooleanField):
    pass


def validate_plausible_date(value: datetime.date) -> None:
    """No form takes a date more than ``core.dates.PLAUSIBLE_YEARS`` years from today.

    Beyond that a date is a typing error (01.01.1900, 31.12.9999) and, unchecked, it
    overflows date arithmetic or lets interest run for a century.
    """
    first, last = plausible_range()
    if not first <= value <= last:
        raise ValidationError(
            _("Bitte prüfen Sie das Jahr: Möglich sind Daten vom %(first)s bis zum %(last)s."),
            code="implausible",
            params={"first": format_day(first), "last": format_day(last)},
        )


class BoundedDateField(forms.DateField):
    """dd.mm.yyyy as typed in Germany (yyyy-mm-dd as sent by ``<input type="date">``),
    within the plausible range; a day that does not exist (31.02.) is named as such."""

    input_formats = DATE_INPUT_FORMATS
    widget = forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Bitte geben Sie ein Datum im Format TT.MM.JJJJ ein, z. B. 01.03.2026.")}
    default_validators = [validate_plausible_date]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if isinstance(value, str) and GERMAN_DATE_RE.match(value):
                raise ValidationError(
                    _("Den %(value)s gibt es nicht. Bitte prüfen Sie Tag und Monat."),
                    code="invalid",
                    params={"value": value.strip()},
                ) from None
            raise


class GermanDateField(EmptyAllowedMixin, BoundedDateField):
    """A date a draft may leave empty."""


class GermanAmountField(EmptyAllowedMixin, GermanDecimalField):
    """An amount in German notation (``1.234,56``), two decimal places, within limits."""

    default_error_messages = {
        "invalid": _("Bitte geben Sie einen Betrag in Euro ein, z. B. 1.234,56."),
        "max_decimal_places": _("Bitte geben Sie höchstens zwei Nachkommastellen an."),
    }

    def __init__(self, *, min_value=MIN_AMOUNT, max_value=MAX_AMOUNT, decimal_places=2, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            max_digits=None,
            decimal_places=decimal_places,
            **kwargs,
        )
        self.error_messages["min_value"] = lazy_format(
            _("Der Wert muss mindestens %(limit)s betragen."), limit=number_german(min_value)
        )
        self.error_messages["max_value"] = lazy_format(
            _("Der Wert darf höchstens %(limit)s betragen."), limit=number_german(max_value)
        )


def lazy_format(message, **params):
    """Interpolate when shown, not at import: the language is known only per request."""
    return lazy(lambda: str(message) % params, str)()


def number_german(value: Decimal) -> str:
    """German notation without currency for limits in messages: ``9.999.999,99``."""
    integer, _dot, decimals = f"{value:f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return ".".join(groups) + (f",{decimals}" if decimals else "")
