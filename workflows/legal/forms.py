"""The form an administrator edits a legal page with. Field validation only; the
rules (not empty, changed, nobody saved in between) are ``core.legal``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.legal import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH


class LegalPageForm(forms.Form):
    title = forms.CharField(
        label=_("Überschrift"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Bitte geben Sie eine Überschrift an."),
            "max_length": _("Die Überschrift ist zu lang (höchstens %(limit_value)d Zeichen)."),
            "null_characters_not_allowed": _("Die Überschrift enthält ein unzulässiges Steuerzeichen."),
        },
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24, "class": "legal-edit__text"}),
        help_text=_(
            "Reiner Text: Absätze trennen Sie durch eine Leerzeile. Web- und E-Mail-Adressen werden zu Links; "
            "HTML wird nicht ausgeführt, sondern als Text gezeigt. Platzhalter wie »[bitte ergänzen]« "
            "ersetzen Sie durch die richtigen Angaben."
        ),
        error_messages={
            "required": _("Bitte geben Sie den Text der Seite an."),
            "max_length": _("Der Text ist zu lang (höchstens %(limit_value)d Zeichen)."),
            "null_characters_not_allowed": _("Der Text enthält ein unzulässiges Steuerzeichen."),
        },
    )
    # The version the editor started from, so a parallel edit is not overwritten.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": _("Die Fassung fehlt. Bitte laden Sie die Seite neu."),
            "invalid": _("Die Fassung ist ungültig. Bitte laden Sie die Seite neu."),
            "min_value": _("Die Fassung ist ungültig. Bitte laden Sie die Seite neu."),
            "max_value": _("Die Fassung ist ungültig. Bitte laden Sie die Seite neu."),
        },
    )
