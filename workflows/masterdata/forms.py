"""The office's master-data forms: field validation only; the rules are ``grants.masterdata``'s."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDecimalField
from grants.masterdata import NOTE_MAX, TEXT_MAX, TITLE_MAX
from grants.models import CostType, MembershipStatus
from workflows.common.fields import BoundedDateField

MAX_UPLOAD_BYTES = 1024 * 1024


class MoneyField(GermanDecimalField):
    def __init__(self, *, max_value: Decimal, **kwargs):
        super().__init__(
            min_value=Decimal("0.01"),
            max_value=max_value,
            max_digits=None,
            decimal_places=2,
            error_messages={
                "required": _("Bitte geben Sie einen Betrag in Euro an, z. B. 5.000,00."),
                "invalid": _("Bitte geben Sie einen Betrag in Euro ein, z. B. 5.000,00."),
                "max_decimal_places": _("Bitte geben Sie höchstens zwei Nachkommastellen an."),
                "min_value": _("Der Betrag muss mindestens 0,01 € betragen."),
                "max_value": _("Der Betrag ist zu groß."),
            },
            **kwargs,
        )


class MembershipForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Bitte wählen")), *MembershipStatus.Status.choices],
        error_messages={
            "required": _("Bitte wählen Sie einen Status."),
            "invalid_choice": _("Bitte wählen Sie einen Status."),
        },
    )
    since = BoundedDateField(
        label=_("Seit"),
        help_text=_("TT.MM.JJJJ. Ein Eintrag am selben Tag wird berichtigt."),
        error_messages={"required": _("Bitte geben Sie an, seit wann der Status gilt.")},
    )
    note = forms.CharField(
        label=_("Bemerkung"),
        required=False,
        max_length=NOTE_MAX,
        error_messages={"max_length": _("Die Bemerkung ist zu lang (höchstens %(limit_value)d Zeichen).")},
    )


class MembershipUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_("Export der Netzwerkplattform mit den Spalten ags,status,since; höchstens 1 MB."),
        error_messages={"required": _("Bitte wählen Sie eine CSV-Datei."), "empty": _("Die Datei ist leer.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Bitte laden Sie eine CSV-Datei hoch (Endung .csv)."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 1 MB."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if b"\x00" in raw:
            raise forms.ValidationError(_("Das ist keine CSV-Datei (sie enthält Binärdaten)."))
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("Die Datei ist weder UTF-8 noch Windows-1252 kodiert."))


class ProgrammeYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Jahr"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Bitte geben Sie das Jahr an."),
            "invalid": _("Bitte geben Sie das Jahr als Zahl an, z. B. 2027."),
            "min_value": _("Bitte geben Sie ein Jahr zwischen 2000 und 2100 an."),
            "max_value": _("Bitte geben Sie ein Jahr zwischen 2000 und 2100 an."),
        },
    )
    cap_per_municipality = MoneyField(label=_("Höchstbetrag je Kommune (EUR)"), max_value=Decimal("9999999999.99"))
    budget = MoneyField(label=_("Programmbudget (EUR)"), max_value=Decimal("999999999999.99"))
    max_day_rate = MoneyField(label=_("Höchster Tagessatz Beratung (EUR, brutto)"), max_value=Decimal("99999999.99"))
    eligible_cost_types = forms.ModelMultipleChoiceField(
        label=_("Förderfähige Kostenarten"),
        queryset=CostType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens eine förderfähige Kostenart."),
            "invalid_choice": _("Bitte wählen Sie nur angebotene Kostenarten."),
            "invalid_pk_value": _("Bitte wählen Sie nur angebotene Kostenarten."),
        },
    )
    application_deadline = BoundedDateField(label=_("Antragsfrist"), help_text=_("TT.MM.JJJJ"))
    invoice_deadline = BoundedDateField(label=_("Frist für Rechnungen"), help_text=_("TT.MM.JJJJ"))
    proof_of_use_months = forms.IntegerField(
        label=_("Frist Verwendungsnachweis (Monate nach Projektende)"),
        min_value=1,
        max_value=60,
        error_messages={
            "required": _("Bitte geben Sie die Frist in Monaten an."),
            "invalid": _("Bitte geben Sie die Frist als ganze Zahl von Monaten an."),
            "min_value": _("Die Frist beträgt 1 bis 60 Monate."),
            "max_value": _("Die Frist beträgt 1 bis 60 Monate."),
        },
    )
    payout_window_start = BoundedDateField(label=_("Mittelabruf möglich ab"), help_text=_("TT.MM.JJJJ"))
    payout_window_end = BoundedDateField(label=_("Mittelabruf möglich bis"), help_text=_("TT.MM.JJJJ"))
    rule_set_version = forms.CharField(
        label=_("Version des Regelwerks"),
        max_length=30,
        help_text=_("Wird mit jedem Prüfergebnis gespeichert; bei Regeländerungen erhöhen."),
        error_messages={
            "required": _("Bitte geben Sie die Version des Regelwerks an."),
            "max_length": _("Höchstens %(limit_value)d Zeichen."),
        },
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]


class LegalTextForm(forms.Form):
    title = forms.CharField(
        label=_("Überschrift"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Bitte geben Sie eine Überschrift an."),
            "max_length": _("Höchstens %(limit_value)d Zeichen."),
        },
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=TEXT_MAX,
        error_messages={
            "required": _("Bitte geben Sie den Text an."),
            "max_length": _("Der Text ist zu lang (höchstens %(limit_value)d Zeichen)."),
        },
    )
    printed = forms.BooleanField(label=_("Auf Bescheiden drucken"), required=False)
