"""The outgoing e-mail as its recipients got it.

Recorded when the message actually leaves (in the background task, after the change
committed), so the log never lists an announcement of something that was rolled back.
The office's case page lists a file's e-mails from here: what a municipality was told,
and when, is part of the file.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models.application import Application


class SentEmail(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sent_emails",
        verbose_name=_("Antrag"),
    )
    # The event or template that produced it ("approved", "payout_paid", "staff_digest", …).
    kind = models.CharField(_("Anlass"), max_length=60)
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    # One message per language group: the addresses it went to, comma-separated.
    recipients = models.TextField(_("Empfänger"))
    language = models.CharField(_("Sprache"), max_length=10, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("gesendete E-Mail")
        verbose_name_plural = _("gesendete E-Mails")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"

    @property
    def recipient_list(self) -> list[str]:
        return [address for address in self.recipients.split(",") if address]
