"""Programme years and their rules, kept as data: caps, budget, rates, deadlines, texts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CostType(models.Model):
    """A kind of cost the programme may fund (consulting, moderation, travel …)."""

    code = models.SlugField(_("Kürzel"), max_length=30, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    billed_by_day = models.BooleanField(
        _("nach Tagessatz"), default=False, help_text=_("Kosten werden als Tage × Tagessatz geplant.")
    )

    class Meta:
        verbose_name = _("Kostenart")
        verbose_name_plural = _("Kostenarten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


LEDGER_TOTAL_FIELDS = ("committed_total", "released_total", "refunded_total", "paid_total")


class ProgrammeYear(models.Model):
    """A calendar year of the programme with its rules as data, never as code."""

    year = models.PositiveSmallIntegerField(_("Jahr"), unique=True, validators=[MinValueValidator(2000)])
    cap_per_municipality = models.DecimalField(
        _("Höchstbetrag je Kommune (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("5000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    budget = models.DecimalField(
        _("Programmbudget (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_day_rate = models.DecimalField(
        _("Höchster Tagessatz Beratung (EUR, brutto)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("850.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    eligible_cost_types = models.ManyToManyField(
        CostType, verbose_name=_("förderfähige Kostenarten"), related_name="programme_years"
    )
    application_deadline = models.DateField(_("Antragsfrist"))
    invoice_deadline = models.DateField(
        _("Frist für Rechnungen"), help_text=_("Bis zu diesem Tag müssen Mittel abgerufen sein.")
    )
    proof_of_use_months = models.PositiveSmallIntegerField(
        _("Frist Verwendungsnachweis (Monate nach Projektende)"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    payout_window_start = models.DateField(_("Mittelabruf möglich ab"))
    payout_window_end = models.DateField(_("Mittelabruf möglich bis"))
    # Running totals of the year's ledger, moved by ``budgets.ledger.ledger_book`` in the
    # booking's own transaction; so the budget check of an approval reads one row instead
    # of summing the whole year's ledger. ``budgets.ledger.ledger_totals_differences``
    # compares them with the ledger.
    committed_total = models.DecimalField(
        _("Summe der Bindungen"), max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    released_total = models.DecimalField(
        _("Summe der Freigaben"), max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    refunded_total = models.DecimalField(
        _("Summe der Rückzahlungen"), max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    paid_total = models.DecimalField(
        _("Summe der Auszahlungen"), max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    rule_set_version = models.CharField(
        _("Version des Regelwerks"),
        max_length=30,
        default="1",
        help_text=_("Wird mit jedem Prüfergebnis gespeichert; bei Regeländerungen erhöhen."),
    )

    class Meta:
        verbose_name = _("Programmjahr")
        verbose_name_plural = _("Programmjahre")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(cap_per_municipality__gt=0), name="programme_year_cap_positive"),
            models.CheckConstraint(
                condition=Q(budget__gte=models.F("cap_per_municipality")), name="programme_year_budget_covers_cap"
            ),
            models.CheckConstraint(condition=Q(max_day_rate__gt=0), name="programme_year_day_rate_positive"),
            models.CheckConstraint(
                condition=Q(payout_window_end__gte=models.F("payout_window_start")),
                name="programme_year_payout_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def save(self, *args, **kwargs):
        # The running totals move only by UPDATE … SET total = total + amount
        # (budgets.ledger). A whole-row save of an object loaded earlier (the admin's
        # form, a script) would write back stale totals, so it leaves them out.
        if self.pk is not None and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in LEDGER_TOTAL_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year is None:
            return
        if (
            self.budget is not None
            and self.cap_per_municipality is not None
            and self.budget < self.cap_per_municipality
        ):
            errors["budget"] = _("Das Programmbudget muss mindestens den Höchstbetrag je Kommune abdecken.")
        if self.application_deadline and not (self.first_day <= self.application_deadline <= self.last_day):
            errors["application_deadline"] = _("Die Antragsfrist muss im Programmjahr liegen.")
        if self.invoice_deadline and self.invoice_deadline < self.first_day:
            errors["invoice_deadline"] = _("Die Frist für Rechnungen darf nicht vor dem Programmjahr liegen.")
        if self.invoice_deadline and self.application_deadline and self.invoice_deadline < self.application_deadline:
            errors["invoice_deadline"] = _("Die Frist für Rechnungen darf nicht vor der Antragsfrist liegen.")
        if self.payout_window_start and self.payout_window_end and self.payout_window_end < self.payout_window_start:
            errors["payout_window_end"] = _("Das Ende des Abrufzeitraums liegt vor seinem Beginn.")
        if self.payout_window_start and self.payout_window_start < self.first_day:
            errors["payout_window_start"] = _("Der Abrufzeitraum darf nicht vor dem Programmjahr beginnen.")
        if errors:
            raise ValidationError(errors)


class LegalTextBlock(models.Model):
    """A block of legal wording printed on notices, kept per programme year.

    Each notice kind prints its own legal basis: a rejection or a refund claim must not
    say that the grant "is awarded" (the wording of the approval).
    """

    class Kind(models.TextChoices):
        LEGAL_BASIS = "legal_basis", _("Rechtsgrundlage (Zuwendungsbescheid)")
        REJECTION_BASIS = "rejection_basis", _("Rechtsgrundlage (Ablehnungsbescheid)")
        REFUND_BASIS = "refund_basis", _("Rechtsgrundlage (Rückforderungsbescheid)")
        REVOCATION = "revocation", _("Widerrufsvorbehalt, Erstattung und Verzinsung")
        CONDITIONS = "conditions", _("Nebenbestimmungen")
        PROOF_OF_USE = "proof_of_use", _("Hinweise zum Verwendungsnachweis")
        REMEDY = "remedy", _("Rechtsbehelfsbelehrung")
        DATA_PROTECTION = "data_protection", _("Datenschutzhinweis")
        ENCLOSURES = "enclosures", _("Anlagen (Zuwendungsbescheid), eine je Zeile")

    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="legal_texts", verbose_name=_("Programmjahr")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"))
    printed = models.BooleanField(_("auf Bescheiden drucken"), default=True)

    class Meta:
        verbose_name = _("Textbaustein")
        verbose_name_plural = _("Textbausteine")
        ordering = ["programme_year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "kind"], name="legal_text_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_year}: {self.title}"


class NumberSequence(models.Model):
    """Gap-free counters for file and document numbers, one row per prefix and year.

    Taken under a row lock, so two transactions never draw the same number.
    """

    key = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"
