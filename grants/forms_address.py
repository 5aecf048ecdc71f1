"""The form of the municipality's postal address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import MunicipalityAddress


class MunicipalityAddressForm(forms.ModelForm):
    class Meta:
        model = MunicipalityAddress
        fields = ["recipient", "street", "house_number", "po_box", "postcode", "town", "email", "phone"]
        help_texts = {
            "po_box": _(
                "Nur ausfüllen, wenn Post an ein Postfach gehen soll; dann bleiben Straße und Hausnummer leer."
            ),
            "postcode": _("Fünf Ziffern; beim Postfach die Postleitzahl des Postfachs."),
        }
        widgets = {
            "recipient": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "house_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean(self):
        cleaned = super().clean()
        po_box = (cleaned.get("po_box") or "").strip()
        street, number = (cleaned.get("street") or "").strip(), (cleaned.get("house_number") or "").strip()
        if not po_box and not street:
            self.add_error("street", _("Bitte geben Sie Straße und Hausnummer an – oder ein Postfach."))
        if street and not number and not po_box:
            self.add_error("house_number", _("Bitte geben Sie die Hausnummer an."))
        if not (cleaned.get("postcode") or "").strip() and "postcode" not in self.errors:
            self.add_error("postcode", _("Bitte geben Sie die Postleitzahl an."))
        if not (cleaned.get("town") or "").strip():
            self.add_error("town", _("Bitte geben Sie den Ort an."))
        return cleaned
