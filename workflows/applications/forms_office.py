"""Forms of the programme office. Field validation only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDecimalField
from core.money import format_eur
from grants.models import Application, Land, StructuralStatus
from workflows.applications.selectors import OVERDUE_AFTER_DAYS, QUEUE_STATUSES, QueueFilter
from workflows.common.fields import lazy_format
from workflows.common.guards import MAX_TEXT


def _text(label, *, required: bool = True, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class QueueFilterForm(forms.Form):
    land = forms.ModelChoiceField(label=_("Land"), queryset=Land.objects.order_by("name"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(
        label=_("Priorität (GRW-Fördergebiet)"),
        required=False,
        choices=[("", _("alle")), *StructuralStatus.Status.choices],
    )
    overdue = forms.BooleanField(
        label=_("nur überfällige Anträge"),
        required=False,
        # Interpolated when shown, so that the reader's language applies (not the one at import).
        help_text=lazy_format(
            _("Eingereicht vor mehr als %(days)s Tagen und noch ohne Empfehlung."), days=OVERDUE_AFTER_DAYS
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["land"].empty_label = _("alle Länder")
        self.fields["status"].choices = [("", _("alle"))] + [
            (status.value, status.label) for status in Application.Status if status in QUEUE_STATUSES
        ]

    def to_filter(self) -> QueueFilter:
        if not self.is_valid():
            return QueueFilter()
        data = self.cleaned_data
        return QueueFilter(
            land=data["land"], status=data["status"], priority=data["priority"], overdue=bool(data["overdue"])
        )


class TaskForm(forms.Form):
    """Claim or give back a task; carries the task the page was rendered with."""

    task = forms.IntegerField(widget=forms.HiddenInput)


class OverrideForm(forms.Form):
    """One per failed rule; the prefix names the result (``override-<pk>``)."""

    reason = _text(
        _("Begründung der Übersteuerung"),
        help_text=_("Warum ist die Regel in diesem Fall erfüllt? Die Begründung wird protokolliert."),
        rows=3,
    )


class RequestInfoForm(forms.Form):
    message = _text(
        _("Ihre Rückfrage an die Kommune"),
        help_text=_("Die Kommune erhält die Rückfrage per E-Mail, beantwortet sie und reicht den Antrag erneut ein."),
    )


class RecommendApprovalForm(forms.Form):
    amount = GermanDecimalField(
        label=_("Empfohlener Betrag (EUR)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Höchstens der beantragte Betrag, zum Beispiel 2.550,00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = _text(_("Begründung der Empfehlung"))


class RecommendRejectionForm(forms.Form):
    reason = _text(_("Begründung der Empfehlung"))


class ApproveForm(forms.Form):
    """The approver's amount: the recommended one, or less with a reason (the service checks again)."""

    amount = GermanDecimalField(
        label=_("Bewilligter Betrag (EUR)"),
        # Left empty, the recommended amount is approved.
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = _text(
        _("Begründung oder Vermerk zur Bewilligung"),
        required=False,
        rows=3,
        help_text=_(
            "Pflicht, wenn Sie weniger als empfohlen bewilligen. Der Text steht im Bescheid unter "
            "»Begründung« und wird in der Akte protokolliert."
        ),
    )

    def __init__(self, *args, recommended: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommended = recommended
        if recommended is not None:
            self.fields["amount"].initial = recommended
            self.fields["amount"].help_text = lazy_format(
                _("Höchstens der empfohlene Betrag von %(amount)s."), amount=format_eur(recommended)
            )

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is None or self.recommended is None:
            return data
        if amount > self.recommended:
            self.add_error(
                "amount",
                _("Höchstens der empfohlene Betrag von %(amount)s kann bewilligt werden.")
                % {"amount": format_eur(self.recommended)},
            )
        elif amount < self.recommended and not (data.get("note") or "").strip():
            self.add_error(
                "note",
                _("Bitte begründen Sie, warum Sie weniger als den empfohlenen Betrag von %(amount)s bewilligen.")
                % {"amount": format_eur(self.recommended)},
            )
        return data


class RejectForm(forms.Form):
    reason = _text(
        _("Begründung der Ablehnung"),
        help_text=_("Die Kommune erhält die Entscheidung mit dieser Begründung per E-Mail."),
    )


class SendBackForm(forms.Form):
    reason = _text(_("Begründung der Rückgabe"), help_text=_("Was soll die Sachbearbeitung noch prüfen?"))


class EarlyStartDecisionForm(forms.Form):
    """The approver's answer to a request to start early."""

    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("allow", _("zustimmen (Bescheid geht an die Kommune)")), ("refuse", _("ablehnen"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, ob Sie zustimmen oder ablehnen.")},
    )
    reason = _text(
        _("Begründung"),
        required=False,
        rows=3,
        help_text=_("Pflicht bei einer Ablehnung; sie wird der Kommune mitgeteilt."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Bitte begründen Sie die Ablehnung."))
        return data
