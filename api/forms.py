"""The form an administrator creates an API client with (field validation only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiClient._meta.get_field("name").max_length,
        help_text=_("Wer den Zugang benutzt, z. B. »Netzwerkplattform«."),
        error_messages={"required": _("Bitte geben Sie einen Namen an.")},
    )
    scope = forms.ChoiceField(
        label=_("Berechtigung"),
        choices=ApiClient.Scope.choices,
        initial=ApiClient.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("»Lesen und Schreiben« darf auch Änderungen der Mitgliedschaft melden."),
        error_messages={
            "required": _("Bitte wählen Sie eine Berechtigung."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Berechtigungen."),
        },
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie einen Namen an."))
        if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in name):
            raise forms.ValidationError(_("Der Name enthält Steuerzeichen."))
        return name
