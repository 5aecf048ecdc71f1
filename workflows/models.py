"""The viewflow process that carries the human tasks of one application.

The application's own state machine (``grants.Application.status``) stays the state
of record; the process only holds the tasks that put the application into the
clerks' and approvers' queues (``workflows.applications.flows``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from budgets.models import Payout
from grants.models import Application, ProofOfUse


class ApplicationProcess(Process):
    """One process per application, from the start of the review to the decision."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="office_processes", verbose_name=_("Antrag")
    )

    class Meta:
        verbose_name = _("Bearbeitungsvorgang")
        verbose_name_plural = _("Bearbeitungsvorgänge")
        # viewflow adds "manage" when the flow class is built; declared here so the
        # migration state does not depend on whether workflows.applications.flows was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")

    def __str__(self) -> str:
        return f"{self.application.file_number or self.application_id} ({self.get_status_display()})"


class AuditRecord(models.Model):
    """Append-only history of every transition and every rule override.

    Rows are written once, by ``workflows.common.audit.audit_record``, and never changed
    or deleted. ``payout`` and ``proof_of_use`` say which payout or proof a record is
    about, so that their history is a query on the link.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audit_records")
    payout = models.ForeignKey(
        Payout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_records",
        verbose_name=_("Mittelabruf"),
    )
    proof_of_use = models.ForeignKey(
        ProofOfUse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_records",
        verbose_name=_("Verwendungsnachweis"),
    )
    action = models.CharField(_("Aktion"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    from_state = models.CharField(_("von"), max_length=30, blank=True)
    to_state = models.CharField(_("nach"), max_length=30, blank=True)
    comment = models.TextField(_("Kommentar"), blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit records are append-only.")


class CaseNote(models.Model):
    """An internal note of the programme office on a case (Aktenvermerk), never shown to the municipality.

    Append-only like the audit trail: a note is part of the file. What a colleague read
    and acted on must still read the same later (and in an audit by the ministry), so a
    note is never edited or deleted; a correction is a new note. Written only by
    ``workflows.cases.notes.case_note_add``; ``mentioned`` are the colleagues told by e-mail.
    """

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="case_notes", verbose_name=_("Antrag")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("verfasst von")
    )
    text = models.TextField(_("Vermerk"))
    created_at = models.DateTimeField(_("verfasst am"), default=timezone.now)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("erwähnte Kolleginnen und Kollegen")
    )

    class Meta:
        verbose_name = _("Aktenvermerk")
        verbose_name_plural = _("Aktenvermerke")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.author_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Case notes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case notes are append-only.")


class StaffNotification(models.Model):
    """An office notification waiting for the daily digest of one person.

    Written by ``workflows.common.staff_notifications.staff_notify`` for users who chose
    the digest; ``sent_at`` is set, in the same transaction that queues the digest
    e-mail, by ``staff_digest_send``, so a second run finds nothing to send.
    ``context`` holds plain values only (JSON), as the e-mail templates need them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notifications", verbose_name=_("für")
    )
    event = models.CharField(_("Ereignis"), max_length=40)
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_notifications",
        verbose_name=_("Antrag"),
    )
    context = models.JSONField(_("Angaben"), default=dict, blank=True)
    link = models.CharField(_("Link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("entstanden am"), default=timezone.now)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Benachrichtigung für die Sammel-E-Mail")
        verbose_name_plural = _("Benachrichtigungen für die Sammel-E-Mail")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.created_at:%d.%m.%Y %H:%M}"
