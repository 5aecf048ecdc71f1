"""Forms of the proof of use: the municipality's report and expenses, the clerk's review.

Field validation only; whether a proof is complete, covers the payouts or may be
accepted is decided by ``workflows.proofs.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDecimalField
from grants.models import CostType, ProofOfUse
from workflows.common.fields import (
    MAX_AMOUNT,
    BoundedDateField,
    DraftCharField,
    DraftModelChoiceField,
    GermanAmountField,
    GermanDateField,
)
from workflows.common.guards import MAX_TEXT
from workflows.proofs.services import MAX_EXPENSES, ExpenseInput

STALE = _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu.")
EXPENSE_FIELDS = ["spent_on", "issuer", "description", "cost_type", "amount"]
EXPENSE_PREFIX = "ausgaben"


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class DateField(BoundedDateField):
    """A required date, typed as TT.MM.JJJJ."""


def _amount(label, *, min_value: Decimal, help_text="", required: bool = True) -> forms.DecimalField:
    return GermanDecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=min_value,
        max_value=MAX_AMOUNT,
        help_text=help_text,
        error_messages={
            "invalid": _("Bitte geben Sie einen Betrag in Euro ein, z. B. 1.234,56."),
            "max_decimal_places": _("Bitte geben Sie höchstens zwei Nachkommastellen an."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


# --- the municipality ---------------------------------------------------------------------


class ProofForm(forms.Form):
    """The narrative report; the page carries the revision it was rendered from."""

    use_required_attribute = False  # a draft may be saved half-filled

    report = DraftCharField(
        label=_("Sachbericht"),
        max_length=MAX_TEXT,
        widget=_textarea(10),
        help_text=_(
            "Was wurde wann und mit wem umgesetzt, welche Ziele wurden erreicht, was ist anders gelaufen als "
            "geplant? Zum Einreichen erforderlich."
        ),
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, error_messages={"invalid": STALE, "min_value": STALE}
    )


class ExpenseLineForm(forms.Form):
    """One actual expense. A line left empty is ignored."""

    use_required_attribute = False

    spent_on = GermanDateField(label=_("Datum der Zahlung"), help_text=_("TT.MM.JJJJ"))
    issuer = DraftCharField(label=_("Rechnungssteller / Empfänger"), max_length=200)
    description = DraftCharField(label=_("Beschreibung"), max_length=200)
    cost_type = DraftModelChoiceField(
        queryset=CostType.objects.all(), label=_("Kostenart"), empty_label=_("Bitte wählen")
    )
    amount = GermanAmountField(label=_("Betrag (EUR)"))

    def is_blank(self) -> bool:
        if not self.is_bound:
            return not any(self.initial.get(name) not in (None, "") for name in EXPENSE_FIELDS)
        return all(not str(self[name].data or "").strip() for name in EXPENSE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        messages = {
            "spent_on": _("Bitte geben Sie das Datum an."),
            "issuer": _("Bitte geben Sie den Rechnungssteller an."),
            "description": _("Bitte beschreiben Sie die Ausgabe kurz."),
            "cost_type": _("Bitte wählen Sie eine Kostenart."),
            "amount": _("Bitte geben Sie den Betrag an."),
        }
        for name, message in messages.items():
            if name not in self.errors and cleaned.get(name) in (None, ""):
                self.add_error(name, message)
        return cleaned

    def to_input(self) -> ExpenseInput:
        data = self.cleaned_data
        return ExpenseInput(
            spent_on=data["spent_on"],
            issuer=data["issuer"],
            description=data["description"],
            cost_type=data["cost_type"],
            amount=data["amount"],
        )


class BaseExpenseFormSet(forms.BaseFormSet):
    def expenses(self) -> list[ExpenseInput]:
        """The lines to save; only call after ``is_valid()`` returned True."""
        return [form.to_input() for form in self.forms if not form.is_blank()]

    @property
    def has_line_errors(self) -> bool:
        return self.is_bound and (bool(self.non_form_errors()) or any(form.errors for form in self.forms))

    @staticmethod
    def initial_for(proof: ProofOfUse | None) -> list[dict]:
        if proof is None:
            return []
        return [
            {
                "spent_on": line.spent_on,
                "issuer": line.issuer,
                "description": line.description,
                "cost_type": line.cost_type_id,
                "amount": line.amount,
            }
            for line in proof.expenses.all()
        ]


ExpenseFormSet = forms.formset_factory(
    ExpenseLineForm,
    formset=BaseExpenseFormSet,
    extra=3,
    max_num=MAX_EXPENSES,
    validate_max=True,
    absolute_max=MAX_EXPENSES + 10,
)


# --- the programme office -------------------------------------------------------------------


class ReturnForm(forms.Form):
    message = forms.CharField(
        label=_("Was soll die Kommune überarbeiten?"),
        max_length=MAX_TEXT,
        widget=_textarea(),
        help_text=_("Die Kommune erhält den Text per E-Mail und reicht den Nachweis danach erneut ein."),
    )


class AcceptForm(forms.Form):
    recognised_amount = _amount(
        _("Anerkannte zuwendungsfähige Ausgaben (EUR)"),
        min_value=Decimal("0.00"),
        help_text=_("Vorgeschlagen ist die Summe der Ausgaben förderfähiger Kostenarten."),
    )
    note = forms.CharField(
        label=_("Prüfvermerk"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
        help_text=_("Erforderlich, wenn Sie einen anderen Betrag als den vorgeschlagenen anerkennen."),
    )


class RefundClaimForm(forms.Form):
    recognised_amount = _amount(_("Anerkannte zuwendungsfähige Ausgaben (EUR)"), min_value=Decimal("0.00"))
    amount = _amount(
        _("Rückforderungsbetrag (EUR)"),
        min_value=Decimal("0.01"),
        help_text=_(
            "Höchstens der ausgezahlte Betrag. Der volle ausgezahlte Betrag bedeutet einen vollständigen Widerruf."
        ),
    )
    reason = forms.CharField(
        label=_("Begründung der Rückforderung"),
        max_length=MAX_TEXT,
        widget=_textarea(),
        help_text=_(
            "Welche Mittel wurden nicht verwendet oder sind nicht zuwendungsfähig? Die Kommune erhält den Text."
        ),
    )
    arises_on = DateField(
        label=_("Erstattungsanspruch entstanden am"),
        help_text=_("In der Regel das Datum des Rückforderungsbescheides; ab diesem Tag laufen Zinsen."),
    )
    due_on = DateField(
        label=_("Zu zahlen bis"),
        required=False,
        help_text=_("Leer lassen für 30 Tage nach Entstehung des Anspruchs."),
    )


class BookRefundForm(forms.Form):
    paid_on = DateField(label=_("Zahlungseingang am"), help_text=_("Wertstellung laut Kontoauszug, TT.MM.JJJJ."))
