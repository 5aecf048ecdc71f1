"""Applications (Anträge) with cost plans, attachments, eligibility results,
recommendations and decisions, and the append-only audit trail.

The state machine lives here; its transition methods only change state and
timestamps. Only ``workflows`` services call them, inside their transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.money import money
from grants.models.programme import CostType, ProgrammeYear
from grants.models.territory import Municipality


class Application(ConcurrentTransitionMixin, models.Model):
    """Saving checks that the state in the database is still the one this copy was
    loaded with (compare-and-swap), so a stale or replayed action cannot apply twice."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        IN_REVIEW = "in_review", _("in Prüfung")
        INFO_REQUESTED = "info_requested", _("Rückfrage")
        RECOMMENDED = "recommended", _("zur Entscheidung")
        APPROVED = "approved", _("bewilligt")
        REJECTED = "rejected", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        PAID = "paid", _("ausgezahlt")
        COMPLETED = "completed", _("abgeschlossen")
        REVOKED = "revoked", _("widerrufen")
        LAPSED = "lapsed", _("verfallen")

    class Purpose(models.TextChoices):
        CONSULTING = "consulting", _("Externe Beratung")
        MODERATION = "moderation", _("Moderation")
        TRAVEL = "travel", _("Reisen")
        NETWORKING = "networking", _("Interkommunale Vernetzung")

    WITHDRAWABLE = [Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED]
    EDITABLE = [Status.DRAFT, Status.INFO_REQUESTED]
    # Submitted but not yet decided: the municipality may ask to start early.
    EARLY_START_OPEN = [Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.RECOMMENDED]

    file_number = models.CharField(_("Aktenzeichen"), max_length=20, unique=True, null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="applications", verbose_name=_("Kommune")
    )
    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.PROTECT, related_name="applications", verbose_name=_("Programmjahr")
    )
    title = models.CharField(_("Titel des Vorhabens"), max_length=200)
    goals = models.TextField(_("Ziele"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    purpose = models.CharField(_("Zweck"), max_length=20, choices=Purpose.choices, blank=True)
    partner_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="partner_in", verbose_name=_("Partnerkommunen")
    )
    period_start = models.DateField(_("Beginn des Vorhabens"), null=True, blank=True)
    period_end = models.DateField(_("Ende des Vorhabens"), null=True, blank=True)
    requested_amount = models.DecimalField(
        _("beantragter Betrag (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    account_holder = models.CharField(_("Kontoinhaber"), max_length=140, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("Kreditinstitut"), max_length=140, blank=True)
    declaration_no_early_start = models.BooleanField(
        _("Mit dem Vorhaben wurde noch nicht begonnen und wird vor der Bewilligung nicht begonnen."), default=False
    )
    declaration_no_double_funding = models.BooleanField(
        _("Für das Vorhaben wird keine weitere Förderung aus öffentlichen Mitteln beantragt oder bezogen."),
        default=False,
    )
    early_start_allowed = models.BooleanField(_("vorzeitiger Maßnahmebeginn zugelassen"), default=False)

    class EarlyStartOutcome(models.TextChoices):
        ALLOWED = "allowed", _("zugelassen")
        REFUSED = "refused", _("abgelehnt")

    # The request to start before approval and the approver's answer; the status does not move.
    early_start_requested_at = models.DateTimeField(_("vorzeitiger Beginn beantragt am"), null=True, blank=True)
    early_start_reason = models.TextField(_("Begründung des vorzeitigen Beginns"), blank=True)
    early_start_decided_at = models.DateTimeField(_("über vorzeitigen Beginn entschieden am"), null=True, blank=True)
    early_start_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("über vorzeitigen Beginn entschieden von"),
    )
    early_start_outcome = models.CharField(
        _("Entscheidung über vorzeitigen Beginn"), max_length=10, choices=EarlyStartOutcome.choices, blank=True
    )
    early_start_decision_reason = models.TextField(_("Begründung der Entscheidung über vorzeitigen Beginn"), blank=True)

    status = FSMField(_("Status"), default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Bewilligung empfohlen")
        REJECT = "reject", _("Ablehnung empfohlen")

    recommendation = models.CharField(_("Empfehlung"), max_length=10, choices=Recommendation.choices, blank=True)
    recommended_amount = models.DecimalField(
        _("empfohlener Betrag (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recommendation_reason = models.TextField(_("Begründung der Empfehlung"), blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_amount = models.DecimalField(
        _("bewilligter Betrag (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A random token carried by the "new application" form: the same form sent twice
    # (double click, reload) finds the draft it created instead of creating another.
    create_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    # Increases with every change the applicant or the office makes; a form carries it
    # so that a replayed or stale POST is recognised and has no second effect.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-created_at"]
        constraints = [
            # Four-eyes: who recommended can never decide the same application.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(recommended_by__isnull=True)
                | ~Q(decided_by=F("recommended_by")),
                name="application_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gte=0),
                name="application_requested_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="application_approved_positive",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="application_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["programme_year", "municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.file_number or _('Entwurf')}: {self.title}"

    # --- transitions: state and timestamps only -------------------------------------

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.IN_REVIEW)
    def start_review(self) -> None:
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.INFO_REQUESTED)
    def request_info(self) -> None:
        pass

    @transition(field=status, source=Status.INFO_REQUESTED, target=Status.IN_REVIEW)
    def resubmit(self) -> None:
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.RECOMMENDED)
    def recommend(self) -> None:
        pass

    @transition(field=status, source=Status.RECOMMENDED, target=Status.IN_REVIEW)
    def send_back(self) -> None:
        pass

    @transition(field=status, source=Status.RECOMMENDED, target=Status.APPROVED)
    def approve(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.RECOMMENDED, target=Status.REJECTED)
    def reject(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=WITHDRAWABLE, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    # An application stays "approved" while it is partly paid; it becomes "paid" when the
    # payouts booked as paid reach the approved amount (budgets.payouts books them).
    @transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def mark_paid(self) -> None:
        pass

    # Settled with the proof of use: accepted, or partly revoked with a refund claim
    # for what was not used or not eligible (workflows.proofs.services).
    @transition(field=status, source=[Status.APPROVED, Status.PAID], target=Status.COMPLETED)
    def complete(self) -> None:
        pass

    # Revoked in full (Widerruf): the whole amount paid is claimed back.
    @transition(field=status, source=[Status.APPROVED, Status.PAID], target=Status.REVOKED)
    def revoke(self) -> None:
        pass

    # Nothing called by the year's invoice deadline: the commitment goes back to the
    # budget (workflows.payouts.budget.commitments_lapse books the release).
    @transition(field=status, source=Status.APPROVED, target=Status.LAPSED)
    def lapse(self) -> None:
        pass

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def cost_total(self) -> Decimal:
        return money(sum((line.amount for line in self.cost_lines.all()), Decimal("0")))


class CostLine(models.Model):
    """One line of the cost plan: days × day rate, or a flat amount."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    cost_type = models.ForeignKey(CostType, on_delete=models.PROTECT, verbose_name=_("Kostenart"))
    description = models.CharField(_("Beschreibung"), max_length=200)
    days = models.DecimalField(
        _("Tage"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0.5"))]
    )
    day_rate = models.DecimalField(
        _("Tagessatz (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    flat_amount = models.DecimalField(
        _("Pauschalbetrag (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenplan")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(days__isnull=False) & Q(day_rate__isnull=False) & Q(flat_amount__isnull=True))
                | (Q(days__isnull=True) & Q(day_rate__isnull=True) & Q(flat_amount__isnull=False)),
                name="cost_line_days_or_flat",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cost_type}: {self.description}"

    @staticmethod
    def compute_amount(*, days: Decimal | None, day_rate: Decimal | None, flat_amount: Decimal | None) -> Decimal:
        if flat_amount is not None:
            return money(flat_amount)
        return money(days * day_rate)


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never contains the user's file name: no path tricks, no collisions.
    return f"attachments/{instance.application.programme_year.year}/{instance.application_id}/{instance.token}"


class StoredUpload(models.Model):
    """A file a user uploaded: stored under a random token (never the user's file
    name), with the name, type (checked by content on upload) and size kept beside it.
    Subclasses add their owner and ``upload_to``."""

    token = models.CharField(max_length=40, unique=True)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Attachment(StoredUpload):
    """An offer or quote attached to an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)

    class Meta(StoredUpload.Meta):
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")


class EligibilityResult(models.Model):
    """The outcome of one eligibility rule for one submission, kept for the record."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("erfüllt")
        FAILED = "failed", _("nicht erfüllt")
        WARNING = "warning", _("Hinweis")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_results")
    rule = models.CharField(_("Regel"), max_length=50)
    outcome = models.CharField(_("Ergebnis"), max_length=10, choices=Outcome.choices)
    message = models.TextField(_("Begründung"))
    rule_set_version = models.CharField(_("Regelwerk"), max_length=30)
    checked_at = models.DateTimeField(_("geprüft am"), default=timezone.now)
    # A later check replaces the current set; older results stay for the record.
    current = models.BooleanField(default=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("Begründung der Übersteuerung"), blank=True)
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Prüfergebnis")
        verbose_name_plural = _("Prüfergebnisse")
        ordering = ["application", "-current", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden_by__isnull=True) | ~Q(override_reason=""),
                name="eligibility_override_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_outcome_display()}"

    @property
    def blocking(self) -> bool:
        return self.outcome == self.Outcome.FAILED and self.overridden_by_id is None
