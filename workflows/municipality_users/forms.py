"""Field validation only; the rules live in grants.affiliations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.affiliations import FUNCTION_MAX_LENGTH, OFFICE_ROLES


class AffiliationRequestForm(forms.Form):
    municipality = forms.CharField(
        label=_("Kommune"), max_length=8, error_messages={"required": _("Bitte wählen Sie eine Kommune.")}
    )
    function = forms.CharField(
        label=_("Ihre Funktion in der Kommune"),
        max_length=FUNCTION_MAX_LENGTH,
        help_text=_("zum Beispiel Bürgermeisterin, Kämmerer, Sachbearbeitung Demografie"),
        error_messages={"required": _("Bitte nennen Sie Ihre Funktion in der Kommune.")},
    )
    join_network = forms.BooleanField(
        label=_("Unsere Kommune ist noch nicht Mitglied — Mitgliedschaft beantragen"), required=False
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Kollegin oder des Kollegen"),
        max_length=254,
        error_messages={"required": _("Bitte geben Sie eine E-Mail-Adresse an.")},
    )


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, E-Mail-Adresse oder Kommune"), max_length=100, required=False)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Rollen der Geschäftsstelle"),
        choices=[(str(role), role.label) for role in OFFICE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
