"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils import translation


class GermanNumberInput(forms.TextInput):
    """Shows a number in German notation whatever the page language."""

    def format_value(self, value):
        with translation.override("de"):
            return super().format_value(value)


class GermanDecimalField(forms.DecimalField):
    """A number typed and shown the German way (``1.234,56``) whatever the page language.

    With Django's localisation an English page would read ``1234,56`` as 123456:
    amounts of money must never depend on the language a user picked.
    """

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        widget = kwargs.get("widget")
        if widget is None or (isinstance(widget, forms.TextInput) and not isinstance(widget, GermanNumberInput)):
            attrs = dict(getattr(widget, "attrs", None) or {"inputmode": "decimal", "autocomplete": "off"})
            kwargs["widget"] = GermanNumberInput(attrs=attrs)
        super().__init__(**kwargs)

    def to_python(self, value):
        with translation.override("de"):
            return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("lang", "de")
        return attrs
