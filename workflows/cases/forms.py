"""The GET form of the list of all applications. Field validation only.

The field names are the German query parameters (``?jahr=2026&land=15``). A value
that does not validate is left out of the filter with a message; the other fields
still apply.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import Application, Kreis, Land, ProgrammeYear, StructuralStatus
from workflows.applications.flows import user_label
from workflows.applications.selectors import OVERDUE_AFTER_DAYS
from workflows.cases.due import DUE_ITEMS
from workflows.cases.selectors import DEFAULT_SORT, CaseFilter, office_clerks
from workflows.common.fields import lazy_format

MAX_SEARCH = 200

SORT_CHOICES = [
    ("-eingereicht", _("Eingang, neueste zuerst")),
    ("eingereicht", _("Eingang, älteste zuerst")),
    ("aktenzeichen", _("Aktenzeichen aufsteigend")),
    ("-aktenzeichen", _("Aktenzeichen absteigend")),
    ("kommune", _("Kommune A–Z")),
    ("-kommune", _("Kommune Z–A")),
    ("betrag", _("Beantragter Betrag aufsteigend")),
    ("-betrag", _("Beantragter Betrag absteigend")),
    ("status", _("Status im Ablauf aufsteigend")),
    ("-status", _("Status im Ablauf absteigend")),
]


class ClerkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=MAX_SEARCH,
        help_text=_(
            "Aktenzeichen, Bescheid-, Mittelabruf- oder Rückforderungsnummer, Titel, Kommune, AGS oder "
            "Ansprechperson. Ein vollständiges Aktenzeichen öffnet den Antrag direkt."
        ),
    )
    jahr = forms.TypedChoiceField(label=_("Programmjahr"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    land = forms.ModelChoiceField(
        label=_("Land"), queryset=Land.objects.order_by("name"), required=False, to_field_name="code"
    )
    kreis = forms.ModelChoiceField(
        label=_("Kreis"), queryset=Kreis.objects.order_by("name", "ags"), required=False, to_field_name="ags"
    )
    foerdergebiet = forms.ChoiceField(
        label=_("GRW-Fördergebiet"), required=False, choices=[("", _("alle")), *StructuralStatus.Status.choices]
    )
    zweck = forms.ChoiceField(label=_("Zweck"), required=False, choices=[("", _("alle")), *Application.Purpose.choices])
    bearbeitung = ClerkChoiceField(label=_("Sachbearbeitung"), queryset=office_clerks(), required=False)
    ueberfaellig = forms.BooleanField(
        label=_("nur überfällige Anträge"),
        required=False,
        help_text=lazy_format(
            _("Eingereicht vor mehr als %(days)s Tagen und noch ohne Empfehlung."), days=OVERDUE_AFTER_DAYS
        ),
    )
    faellig = forms.ChoiceField(
        label=_("Fällig"), required=False, choices=[("", _("alle")), *((item.key, item.label) for item in DUE_ITEMS)]
    )
    sortierung = forms.ChoiceField(label=_("Sortierung"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [("", _("alle Jahre"))] + [
            (year, str(year)) for year in ProgrammeYear.objects.order_by("-year").values_list("year", flat=True)
        ]
        self.fields["status"].choices = [("", _("alle"))] + [
            (status.value, status.label) for status in Application.Status if status != Application.Status.DRAFT
        ]
        self.fields["land"].empty_label = _("alle Länder")
        self.fields["kreis"].empty_label = _("alle Kreise")
        self.fields["bearbeitung"].empty_label = _("alle")

    def to_filter(self) -> CaseFilter:
        """The filter of every field that validated; invalid ones are left out (their errors are shown)."""
        if not self.is_bound:
            return CaseFilter()
        self.is_valid()
        data = self.cleaned_data
        return CaseFilter(
            year=data.get("jahr"),
            status=data.get("status") or "",
            land=data.get("land"),
            kreis=data.get("kreis"),
            structural=data.get("foerdergebiet") or "",
            purpose=data.get("zweck") or "",
            clerk=data.get("bearbeitung"),
            overdue=bool(data.get("ueberfaellig")),
            due=data.get("faellig") or "",
            search=data.get("q") or "",
            sort=data.get("sortierung") or DEFAULT_SORT,
        )
