"""Forms of the payout (Mittelabruf) and SEPA screens. Field validation only.

Whether a request fits the approved amount, whether an invoice was claimed before,
who may check or release: all of that is decided by ``workflows.payouts.services``. Uploads
are checked here by content (as ``workflows.common.attachments`` does) so that a wrong file
is named next to the field; the service checks them again.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from budgets.sepa import sepa_has_latin
from core.money import ZERO, money
from grants.models import CostType
from workflows.common.attachments import MAX_ATTACHMENT_BYTES, check_upload, clean_file_name
from workflows.common.errors import WorkflowError
from workflows.common.fields import DraftCharField, DraftModelChoiceField, GermanAmountField, GermanDateField
from workflows.common.guards import MAX_TEXT
from workflows.payouts.services import MAX_FILES, MAX_INVOICES, InvoiceInput, PayeeAddress

ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
INVOICE_PREFIX = "rechnungen"
INVOICE_ROWS = 5
INVOICE_FIELDS = ["issuer", "number", "invoice_date", "amount", "cost_type"]
# The browser never sends chosen files again: whoever sees the form a second time must choose them anew.
CHOOSE_FILES_AGAIN = _(
    "Bitte wählen Sie die Belege erneut aus: Aus Sicherheitsgründen behält der Browser ausgewählte Dateien "
    "nicht, wenn das Formular mit Hinweisen zurückkommt. Alle anderen Angaben sind erhalten."
)
NO_LATIN_TOWN = _(
    "Bitte geben Sie den Ort in lateinischen Buchstaben an (z. B. »Kyjiw« statt »Київ«): Die Überweisung "
    "(SEPA) kennt nur lateinische Buchstaben."
)
# Interpolated when shown, not at import: the language is known only per request.
FILES_HELP = lazy(
    lambda: (
        str(_("PDF, PNG oder JPEG, höchstens %(limit)d MB je Datei; mehrere Dateien auf einmal sind möglich."))
        % {"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
    ),
    str,
)()


def _text(label, *, required: bool = True, help_text: str = "", rows: int = 4, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


# --- fields ---------------------------------------------------------------------------------


class DateField(GermanDateField):
    """An optional date (TT.MM.JJJJ)."""


class RequiredDateField(DateField):
    default_error_messages = {"required": _("Bitte geben Sie ein Datum an (TT.MM.JJJJ).")}

    def validate(self, value):
        forms.DateField.validate(self, value)


class RequiredAmountField(GermanAmountField):
    default_error_messages = {"required": _("Bitte geben Sie einen Betrag an.")}

    def validate(self, value):
        forms.DecimalField.validate(self, value)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by its content (PDF, PNG or JPEG)."""

    default_error_messages = {
        "required": _("Bitte wählen Sie mindestens eine Datei aus."),
        "empty": _("Die Datei ist leer."),
        "invalid": _("Die Datei ist nicht angekommen. Bitte versuchen Sie es noch einmal."),
        "missing": _("Die Datei ist nicht angekommen. Bitte versuchen Sie es noch einmal."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault(
            "help_text",
            FILES_HELP,
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("Bitte wählen Sie höchstens %(limit)d Dateien aus."), code="too_many", params={"limit": MAX_FILES}
            )
        single = super().clean
        errors, cleaned = [], []
        for upload in uploads:
            try:
                upload = single(upload, initial)
                check_upload(upload, clean_file_name(upload.name))
            except ValidationError as error:
                errors.extend(error.messages)
            except WorkflowError as error:
                errors.append(error.message)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


# --- the municipality: request, documents, withdrawal -----------------------------------------


class InvoiceForm(forms.Form):
    """One paid invoice. A row left empty is ignored; a started row needs every field."""

    use_required_attribute = False

    issuer = DraftCharField(label=_("Rechnungssteller"), max_length=200)
    number = DraftCharField(label=_("Rechnungsnummer"), max_length=100)
    invoice_date = DateField(label=_("Rechnungsdatum"), help_text=_("TT.MM.JJJJ"))
    amount = GermanAmountField(label=_("Betrag (EUR)"), help_text=_("z. B. 1.234,56"))
    cost_type = DraftModelChoiceField(
        queryset=CostType.objects.none(), label=_("Kostenart"), empty_label=_("Bitte wählen")
    )

    def __init__(self, *args, cost_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cost_types is not None:
            self.fields["cost_type"].queryset = cost_types

    def is_blank(self) -> bool:
        if not self.is_bound:
            return not any(self.initial.get(name) not in (None, "") for name in INVOICE_FIELDS)
        return all(not str(self[name].data or "").strip() for name in INVOICE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        messages = {
            "issuer": _("Bitte geben Sie den Rechnungssteller an."),
            "number": _("Bitte geben Sie die Rechnungsnummer an."),
            "invoice_date": _("Bitte geben Sie das Rechnungsdatum an (TT.MM.JJJJ)."),
            "amount": _("Bitte geben Sie den Betrag an."),
            "cost_type": _("Bitte wählen Sie eine Kostenart."),
        }
        for name, message in messages.items():
            if not str(self[name].data or "").strip() and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def to_input(self) -> InvoiceInput:
        data = self.cleaned_data
        return InvoiceInput(
            issuer=data["issuer"],
            number=data["number"],
            invoice_date=data["invoice_date"],
            amount=data["amount"],
            cost_type=data["cost_type"],
        )


class BaseInvoiceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if all(form.is_blank() for form in self.forms):
            raise ValidationError(_("Bitte führen Sie mindestens eine bezahlte Rechnung auf."), code="no_invoices")

    def invoices(self) -> list[InvoiceInput]:
        """The invoices to request for; only after ``is_valid()`` returned True."""
        return [form.to_input() for form in self.forms if not form.is_blank()]

    @property
    def total(self) -> Decimal:
        """Sum of the complete and valid rows (shown while filling in)."""
        amounts = [
            form.cleaned_data.get("amount")
            for form in self.forms
            if self.is_bound and not form.is_blank() and not form.errors and hasattr(form, "cleaned_data")
        ]
        return money(sum((amount for amount in amounts if amount is not None), ZERO))

    @property
    def has_line_errors(self) -> bool:
        return self.is_bound and (bool(self.non_form_errors()) or any(form.errors for form in self.forms))


InvoiceFormSet = forms.formset_factory(
    InvoiceForm,
    formset=BaseInvoiceFormSet,
    extra=INVOICE_ROWS,
    max_num=MAX_INVOICES,
    validate_max=True,
    absolute_max=MAX_INVOICES + 10,
)


class PayoutRequestForm(forms.Form):
    """The payee's address (SEPA needs at least town and country), the amount and the documents."""

    use_required_attribute = False

    amount = GermanAmountField(
        label=_("Abzurufender Betrag (EUR)"),
        required=False,
        help_text=_(
            "Leer lassen, um die Summe der Rechnungen abzurufen. Ein niedrigerer Betrag ist möglich, "
            "zum Beispiel wenn die Rechnungen den noch abrufbaren Betrag übersteigen."
        ),
    )
    street = forms.CharField(label=_("Straße"), max_length=70, required=False)
    building_number = forms.CharField(label=_("Hausnummer"), max_length=16, required=False)
    postcode = forms.CharField(label=_("Postleitzahl"), max_length=16, required=False)
    town = forms.CharField(
        label=_("Ort"),
        max_length=35,
        error_messages={"required": _("Bitte geben Sie den Ort des Zahlungsempfängers an.")},
    )
    country = forms.CharField(
        label=_("Land (ISO-Kürzel)"),
        max_length=2,
        min_length=2,
        initial="DE",
        help_text=_("Zwei Buchstaben, z. B. DE."),
        error_messages={
            "required": _("Bitte geben Sie das Land als ISO-Kürzel an (z. B. DE)."),
            "min_length": _("Bitte geben Sie das Land als ISO-Kürzel mit zwei Buchstaben an (z. B. DE)."),
            "max_length": _("Bitte geben Sie das Land als ISO-Kürzel mit zwei Buchstaben an (z. B. DE)."),
        },
    )
    files = MultipleFileField(label=_("Rechnungen und Zahlungsbelege"))

    def clean_town(self) -> str:
        value = self.cleaned_data["town"]
        if not sepa_has_latin(value, 35):
            raise ValidationError(NO_LATIN_TOWN, code="no_latin")
        return value

    def clean_country(self) -> str:
        value = self.cleaned_data["country"].strip().upper()
        if not (value.isascii() and value.isalpha()):
            raise ValidationError(_("Bitte geben Sie das Land als ISO-Kürzel mit zwei Buchstaben an (z. B. DE)."))
        return value

    def address(self) -> PayeeAddress:
        data = self.cleaned_data
        return PayeeAddress(
            town=data["town"],
            postcode=data["postcode"],
            street=data["street"],
            building_number=data["building_number"],
            country=data["country"],
        )

    def ask_for_files_again(self) -> None:
        """The page comes back: say that the chosen files must be chosen again."""
        if not self.has_error("files", code="required"):
            self.add_error("files", CHOOSE_FILES_AGAIN)


class PayoutFilesForm(forms.Form):
    files = MultipleFileField(label=_("Weitere Belege"))


class PayoutAnswerForm(forms.Form):
    """The answer to a documents request, with the documents asked for."""

    answer = _text(
        _("Ihre Antwort"),
        help_text=_("Mit Ihrer Antwort geht der Mittelabruf zurück an die Geschäftsstelle."),
        error_messages={"required": _("Bitte geben Sie Ihre Antwort ein.")},
    )
    files = MultipleFileField(label=_("Nachgereichte Belege"), required=False)


class PayoutWithdrawForm(forms.Form):
    reason = _text(
        _("Grund"),
        required=False,
        help_text=_("Sie können kurz angeben, warum Sie den Mittelabruf zurückziehen."),
    )


# --- the programme office ---------------------------------------------------------------------


class PayoutCheckForm(forms.Form):
    amount = RequiredAmountField(
        label=_("Anerkannter Betrag (EUR)"),
        help_text=_("Vorbelegt mit dem abgerufenen Betrag. Für eine Kürzung tragen Sie den niedrigeren Betrag ein."),
    )
    note = _text(
        _("Prüfvermerk"),
        required=False,
        help_text=_(
            "Pflicht bei einer Kürzung und bei Rechnungen vor dem zulässigen Maßnahmebeginn: "
            "Warum wird gekürzt oder trotzdem anerkannt?"
        ),
        rows=3,
    )


class PayoutDocumentsForm(forms.Form):
    message = _text(
        _("Welche Unterlagen fehlen?"),
        help_text=_("Die Kommune sieht diesen Text beim Mittelabruf und reicht die Unterlagen nach."),
    )


class PayoutRejectForm(forms.Form):
    reason = _text(_("Begründung der Ablehnung"), help_text=_("Die Kommune sieht diese Begründung."))


class PayoutSendBackForm(forms.Form):
    reason = _text(_("Begründung der Rückgabe"), help_text=_("Was soll die Sachbearbeitung noch prüfen?"), rows=3)


class SepaBatchCreateForm(forms.Form):
    """Carries the count and sum the page showed: if more payouts were released since, the page is shown again."""

    use_required_attribute = False

    execution_date = DateField(
        label=_("Ausführungstermin"),
        required=False,
        help_text=_("TT.MM.JJJJ; leer lassen für heute. Nicht in der Vergangenheit."),
    )
    expected_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=14, decimal_places=2)


class SepaBookForm(forms.Form):
    value_date = RequiredDateField(
        label=_("Wertstellung laut Kontoauszug"),
        help_text=_("TT.MM.JJJJ, der Tag, an dem die Bank die Überweisungen ausgeführt hat."),
    )


class LapseForm(forms.Form):
    """The applications the preview listed, as comma-separated ids: only those may lapse."""

    application_ids = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100_000,
        error_messages={
            "required": _("Die Liste ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
            "max_length": _("Die Liste ist unvollständig angekommen. Bitte laden Sie die Seite neu."),
        },
    )

    def clean_application_ids(self) -> list[int]:
        parts = [part.strip() for part in self.cleaned_data["application_ids"].split(",") if part.strip()]
        # ASCII digits only: str.isdigit() also accepts "²" (int() refuses it) and "١٢" (read as 12).
        if not parts or not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in parts):
            raise ValidationError(_("Die Liste ist unvollständig angekommen. Bitte laden Sie die Seite neu."))
        return [int(part) for part in parts]
