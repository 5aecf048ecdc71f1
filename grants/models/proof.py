"""Proofs of use (Verwendungsnachweise): the narrative report and the actual expenses
a municipality submits after its project, and their review by the programme office.

One proof per approved application, with its own state machine::

    due ──submit──▶ submitted ──start_review──▶ in_review ──accept──▶ accepted
    returned ──submit──▶ submitted            in_review ──return_for_changes──▶ returned
                                              in_review ──claim_refund──▶ refund_claimed ──mark_refunded──▶ refunded

As on the application, the transition methods only change state and timestamps; only
``workflows.proofs.services`` calls them, inside its transaction. The money that follows
(releases, refund claims, refunds) lives in ``budgets``.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.money import money
from grants.models.application import Application
from grants.models.programme import CostType


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus calendar months; the day is clamped to the month's last (31.08. + 1 → 30.09.)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proof_due_date(*, period_end: datetime.date, months: int) -> datetime.date:
    """The proof of use is due ``months`` calendar months after the end of the project."""
    return add_months(period_end, months)


class ProofOfUse(ConcurrentTransitionMixin, models.Model):
    """The proof of use of one application.

    Saving checks that the state in the database is still the one this copy was loaded
    with (compare-and-swap), so a stale or replayed action cannot apply twice.
    """

    class Status(models.TextChoices):
        DUE = "due", _("offen")
        SUBMITTED = "submitted", _("eingereicht")
        IN_REVIEW = "in_review", _("in Prüfung")
        RETURNED = "returned", _("zur Überarbeitung zurückgegeben")
        ACCEPTED = "accepted", _("anerkannt")
        REFUND_CLAIMED = "refund_claimed", _("Rückforderung offen")
        REFUNDED = "refunded", _("Rückforderung erstattet")

    # The municipality may still write: save the draft, submit.
    WITH_APPLICANT = [Status.DUE, Status.RETURNED]
    # Not yet submitted: reminders apply.
    NOT_SUBMITTED = WITH_APPLICANT
    CLOSED = [Status.ACCEPTED, Status.REFUNDED]

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="proof_of_use", verbose_name=_("Antrag")
    )
    status = FSMField(_("Status"), default=Status.DUE, choices=Status.choices, protected=True, db_index=True)
    # Fixed when the proof is opened: a later change of the programme year's period
    # does not move a deadline that was already announced.
    due_date = models.DateField(_("fällig am"), db_index=True)
    report = models.TextField(_("Sachbericht"), blank=True)

    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_started_at = models.DateTimeField(_("Prüfung begonnen am"), null=True, blank=True)
    # The clerk's finding: eligible expenses recognised, and the note that explains it.
    recognised_amount = models.DecimalField(
        _("anerkannte zuwendungsfähige Ausgaben (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    review_note = models.TextField(_("Prüfvermerk"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    # Each reminder is sent at most once: the sender sets the field with a conditional
    # update that only one run can win (compare-and-swap), then sends.
    due_soon_reminded_at = models.DateTimeField(_("an die Frist erinnert am"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("wegen Überschreitung gemahnt am"), null=True, blank=True)

    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # Increases with every change; a form carries it so that a replayed or stale POST
    # is recognised and has no second effect.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recognised_amount__isnull=True) | Q(recognised_amount__gte=0),
                name="proof_recognised_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["due", "returned"]) | Q(submitted_at__isnull=False),
                name="proof_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.file_number or self.application_id}: {self.get_status_display()}"

    def is_overdue(self, *, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.status in self.NOT_SUBMITTED and day > self.due_date

    @property
    def expense_total(self) -> Decimal:
        return money(sum((line.amount for line in self.expenses.all()), Decimal("0")))

    # --- transitions: state and timestamps only -------------------------------------

    @transition(field=status, source=WITH_APPLICANT, target=Status.SUBMITTED)
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.IN_REVIEW)
    def start_review(self) -> None:
        self.review_started_at = timezone.now()

    @transition(field=status, source=Status.IN_REVIEW, target=Status.RETURNED)
    def return_for_changes(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.IN_REVIEW, target=Status.ACCEPTED)
    def accept(self) -> None:
        self.decided_at = timezone.now()
        self.closed_at = self.decided_at

    @transition(field=status, source=Status.IN_REVIEW, target=Status.REFUND_CLAIMED)
    def claim_refund(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.REFUND_CLAIMED, target=Status.REFUNDED)
    def mark_refunded(self) -> None:
        self.closed_at = timezone.now()


class ExpenseLine(models.Model):
    """One actual expense listed in the proof (zahlenmäßiger Nachweis)."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="expenses")
    spent_on = models.DateField(_("Datum"))
    issuer = models.CharField(_("Rechnungssteller / Empfänger"), max_length=200)
    description = models.CharField(_("Beschreibung"), max_length=200)
    cost_type = models.ForeignKey(CostType, on_delete=models.PROTECT, verbose_name=_("Kostenart"))
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Ausgabe")
        verbose_name_plural = _("Ausgaben")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on:%d.%m.%Y} {self.issuer}: {self.amount}"
