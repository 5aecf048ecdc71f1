"""The budget ledger: every euro committed, released, paid out or refunded is one
append-only row. Budget figures are sums over it, never numbers edited in place."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Application, Municipality, ProgrammeYear


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Bindung")
        RELEASE = "release", _("Freigabe")
        PAYOUT = "payout", _("Auszahlung")
        REFUND = "refund", _("Rückzahlung")

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="ledger_entries")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="ledger_entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("Betrag (EUR)"), max_digits=14, decimal_places=2)
    booked_at = models.DateTimeField(_("gebucht am"), default=timezone.now)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(_("Vermerk"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Haushaltsbuch")
        ordering = ["booked_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            # One commitment per application: approval books it exactly once.
            models.UniqueConstraint(
                fields=["application"], condition=Q(kind="commitment"), name="ledger_one_commitment_per_application"
            ),
        ]
        indexes = [models.Index(fields=["programme_year", "municipality", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.application_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only.")
