"""Master data: territory (Länder, Kreise, Gemeinden), structural status,
membership in the network, user affiliations and programme years with their rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ags_land_validator = RegexValidator(r"^\d{2}$", _("Der Länderschlüssel hat zwei Ziffern."))
ags_kreis_validator = RegexValidator(r"^\d{5}$", _("Der Kreisschlüssel hat fünf Ziffern."))
ags_validator = RegexValidator(r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel hat acht Ziffern."))


class Land(models.Model):
    """A federal state (Bundesland); ``code`` is the first two digits of every AGS."""

    code = models.CharField(_("Länderschlüssel"), max_length=2, unique=True, validators=[ags_land_validator])
    name = models.CharField(_("Name"), max_length=100)

    class Meta:
        verbose_name = _("Land")
        verbose_name_plural = _("Länder")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Kreis(models.Model):
    """A district (Landkreis, Kreis) or district-free city; ``ags`` has five digits."""

    class Kind(models.TextChoices):
        # Keys follow the Destatis "Textkennzeichen" of record type 40.
        KREISFREIE_STADT = "41", _("Kreisfreie Stadt")
        STADTKREIS = "42", _("Stadtkreis")
        KREIS = "43", _("Kreis")
        LANDKREIS = "44", _("Landkreis")
        REGIONALVERBAND = "45", _("Regionalverband")

    ags = models.CharField(_("Kreisschlüssel"), max_length=5, unique=True, validators=[ags_kreis_validator])
    name = models.CharField(_("Name"), max_length=150)
    kind = models.CharField(_("Art"), max_length=2, choices=Kind.choices)
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="kreise", verbose_name=_("Land"))

    class Meta:
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")
        ordering = ["ags"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Municipality(models.Model):
    """A Gemeinde with its Amtlicher Gemeindeschlüssel (AGS, 8 digits).

    Source of the data: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis,
    Datenlizenz Deutschland – Namensnennung – 2.0.
    """

    class Kind(models.TextChoices):
        # Keys follow the Destatis "Textkennzeichen" of record type 60.
        MARKT = "60", _("Markt")
        KREISFREIE_STADT = "61", _("Kreisfreie Stadt")
        STADTKREIS = "62", _("Stadtkreis")
        STADT = "63", _("Stadt")
        GEMEINDE = "64", _("Kreisangehörige Gemeinde")
        GEMEINDEFREI_BEWOHNT = "65", _("Gemeindefreies Gebiet, bewohnt")
        GEMEINDEFREI_UNBEWOHNT = "66", _("Gemeindefreies Gebiet, unbewohnt")
        GROSSE_KREISSTADT = "67", _("Große Kreisstadt")

    ags = models.CharField(_("AGS"), max_length=8, unique=True, validators=[ags_validator])
    name = models.CharField(_("Name"), max_length=150, db_index=True)
    kind = models.CharField(_("Art"), max_length=2, choices=Kind.choices)
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("Land"))
    # Empty only for the two unincorporated areas directly under a Land (coastal
    # waters, the German-Luxembourg condominium), which the directory lists as Kreis 000.
    kreis = models.ForeignKey(
        Kreis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("Kreis"),
    )
    population = models.PositiveIntegerField(_("Einwohner"), null=True, blank=True)
    area_km2 = models.DecimalField(_("Fläche (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name", "ags"]
        # Granted per object (django-guardian) through an affiliation: the root of
        # everything an applicant may see; their applications inherit it.
        permissions = [("act_for_municipality", _("Darf für die Kommune handeln"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"


class StructuralStatus(models.Model):
    """GRW assisted-area status of a Kreis, or of one Gemeinde overriding its Kreis.

    A row is valid from ``valid_from`` to ``valid_to`` inclusive (open end when empty).
    """

    class Status(models.TextChoices):
        C = "C", _("GRW-Fördergebiet C")
        D = "D", _("GRW-Fördergebiet D")
        NONE = "none", _("kein Fördergebiet")

    kreis = models.ForeignKey(
        Kreis, on_delete=models.CASCADE, null=True, blank=True, related_name="structural_statuses"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="structural_statuses"
    )
    status = models.CharField(_("Status"), max_length=4, choices=Status.choices)
    source = models.CharField(_("Quelle"), max_length=300)
    valid_from = models.DateField(_("gültig ab"))
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)

    class Meta:
        verbose_name = _("Strukturstatus")
        verbose_name_plural = _("Strukturstatus")
        ordering = ["kreis__ags", "municipality__ags", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kreis__isnull=False) & Q(municipality__isnull=True))
                | (Q(kreis__isnull=True) & Q(municipality__isnull=False)),
                name="structural_status_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="structural_status_period_ordered",
            ),
            models.UniqueConstraint(fields=["kreis", "valid_from"], name="structural_status_kreis_from_unique"),
            models.UniqueConstraint(
                fields=["municipality", "valid_from"], name="structural_status_municipality_from_unique"
            ),
        ]

    def __str__(self) -> str:
        subject = self.kreis or self.municipality
        return f"{subject}: {self.get_status_display()} ab {self.valid_from:%d.%m.%Y}"


# Order of priority in the queue: C before D before none.
STRUCTURAL_PRIORITY = {StructuralStatus.Status.C: 0, StructuralStatus.Status.D: 1, StructuralStatus.Status.NONE: 2}


class MembershipStatus(models.Model):
    """One change of a municipality's membership in the network.

    The history is a list of changes; the status on a date is the one of the latest
    change on or before that date.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("beantragt")
        ACTIVE = "active", _("aktiv")
        SUSPENDED = "suspended", _("ruhend")
        ENDED = "ended", _("beendet")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="membership_statuses", verbose_name=_("Kommune")
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices)
    since = models.DateField(_("seit"))
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaftsstatus")
        verbose_name_plural = _("Mitgliedschaftsstatus")
        ordering = ["municipality__name", "-since"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "since"], name="membership_status_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_status_display()} seit {self.since:%d.%m.%Y}"


class Affiliation(models.Model):
    """A user works for a municipality and acts for it as an applicant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("Person")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("Kommune")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zugehörigkeit")
        verbose_name_plural = _("Zugehörigkeiten")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="affiliation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality}"


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
    """A block of legal wording printed on notices, kept per programme year."""

    class Kind(models.TextChoices):
        LEGAL_BASIS = "legal_basis", _("Rechtsgrundlage")
        CONDITIONS = "conditions", _("Nebenbestimmungen")
        PROOF_OF_USE = "proof_of_use", _("Hinweise zum Verwendungsnachweis")
        REMEDY = "remedy", _("Rechtsbehelfsbelehrung")
        DATA_PROTECTION = "data_protection", _("Datenschutzhinweis")

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
