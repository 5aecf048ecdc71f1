"""The form an administrator enters a published Basiszinssatz with.

Field validation only (dates as TT.MM.JJJJ, the rate in German notation); the rules
(half-years in order, range, publication date) are ``budgets.base_rates``'s.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.base_rates import SOURCE_MAX_LENGTH
from core.forms import GermanDecimalField
from workflows.common.fields import BoundedDateField


class BaseRateForm(forms.Form):
    valid_from = BoundedDateField(
        label=_("Gültig ab"),
        help_text=_("Der 1. Januar oder der 1. Juli, TT.MM.JJJJ, z. B. 01.07.2026."),
        error_messages={"required": _("Bitte geben Sie an, ab wann der Basiszinssatz gilt.")},
    )
    rate = GermanDecimalField(
        label=_("Basiszinssatz (Prozent)"),
        help_text=_("Wie veröffentlicht, mit Komma und Vorzeichen, z. B. 1,27 oder -0,88."),
        max_digits=None,
        decimal_places=2,
        error_messages={
            "required": _("Bitte geben Sie den Basiszinssatz in Prozent an, z. B. 1,27 oder -0,88."),
            "invalid": _("Bitte geben Sie den Basiszinssatz als Zahl in Prozent an, z. B. 1,27 oder -0,88."),
            "max_decimal_places": _(
                "Bitte geben Sie den Basiszinssatz in Prozent mit höchstens zwei Nachkommastellen an, z. B. 1,27."
            ),
        },
    )
    source = forms.CharField(
        label=_("Quelle"),
        max_length=SOURCE_MAX_LENGTH,
        help_text=_("Die Veröffentlichung, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."),
        error_messages={
            "required": _("Bitte geben Sie die Quelle an, z. B. »Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger«."),
            "max_length": _("Die Quelle ist zu lang (höchstens %(limit_value)d Zeichen)."),
        },
    )
    published_on = BoundedDateField(
        label=_("Veröffentlicht am"),
        help_text=_("Datum der Bekanntgabe, TT.MM.JJJJ."),
        error_messages={"required": _("Bitte geben Sie an, wann der Basiszinssatz veröffentlicht wurde.")},
    )
