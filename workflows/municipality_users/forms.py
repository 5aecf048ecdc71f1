"""Field validation only; the rules live in grants.affiliations."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignupForm
from accounts.services import registration_wish_store
from grants.affiliations import FUNCTION_MAX_LENGTH, OFFICE_ROLES
from grants.selectors import municipality_search


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


def municipality_choice_label(municipality) -> str:
    place = " ".join(
        part for part in (municipality.postcode, municipality.kreis.name if municipality.kreis else "") if part
    )
    return (
        f"{municipality.name} — {place}, AGS {municipality.ags}"
        if place
        else f"{municipality.name}, AGS {municipality.ags}"
    )


class RegistrationForm(SignupForm):
    """Registration with the municipality to act for, found by name, postcode or AGS.

    Without JavaScript the search runs when the form is sent: one match is taken, several
    are offered as a choice on the returned form (nothing typed is lost). With JavaScript
    the field suggests municipalities while typing (static/js/municipality-search.js).
    """

    field_order = [
        "first_name",
        "last_name",
        "email",
        "function",
        "municipality_query",
        "municipality",
        "join_network",
        "password1",
        "password2",
        "privacy_consent",
    ]

    municipality_query = forms.CharField(
        label=_("Ihre Kommune"),
        max_length=100,
        help_text=_("Name, Postleitzahl oder Amtlicher Gemeindeschlüssel, zum Beispiel „Gardelegen“ oder „39638“."),
        error_messages={"required": _("Bitte nennen Sie die Kommune, für die Sie handeln möchten.")},
    )
    municipality = forms.ChoiceField(
        label=_("Welche Kommune meinen Sie?"),
        choices=[],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Kommune aus der Trefferliste.")},
    )
    join_network = forms.BooleanField(
        label=_("Meine Kommune ist noch nicht Mitglied — Mitgliedschaft im Netzwerk beantragen"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        query = self.data.get("municipality_query", "") if self.is_bound else ""
        self.matches = municipality_search(query=str(query)) if query else []
        self.fields["municipality"].choices = [(m.ags, municipality_choice_label(m)) for m in self.matches]
        self.fields["municipality_query"].widget.attrs.update(
            {
                "list": "municipality-options",
                "autocomplete": "off",
                "data-municipality-search": "municipality-options",
                "data-lookup-url": reverse("municipality_lookup"),
            }
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        query = cleaned.get("municipality_query")
        if not query:
            return cleaned
        if not self.matches:
            self.add_error(
                "municipality_query",
                _(
                    "Zu „%(query)s“ haben wir keine Kommune gefunden. Bitte prüfen Sie die Schreibweise oder "
                    "suchen Sie mit der Postleitzahl."
                )
                % {"query": query[:100]},
            )
        elif len(self.matches) == 1:
            cleaned["municipality"] = self.matches[0].ags
        elif not cleaned.get("municipality"):
            self.add_error(
                "municipality",
                _("Zu „%(query)s“ passen %(count)d Kommunen. Bitte wählen Sie Ihre aus.")
                % {"query": query[:100], "count": len(self.matches)},
            )
        return cleaned

    def custom_signup(self, request, user) -> None:
        super().custom_signup(request, user)
        registration_wish_store(
            user=user, ags=self.cleaned_data["municipality"], join_network=self.cleaned_data["join_network"]
        )
