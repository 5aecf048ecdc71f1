"""Records shared by every layer: the history of master-data changes and the legal pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    """Append-only history of changes to master data (users, affiliations, memberships,
    addresses, legal pages, API clients): who, when, what, before and after, why.

    Written only by ``core.changes.change_record``; never changed or deleted. The
    application files keep their own history (``workflows.AuditRecord``).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    # What the record is about, as "app_label.model" and primary key: master data of
    # every layer lands here, and core may not import the models above it.
    subject_type = models.CharField(_("Art"), max_length=60)
    subject_id = models.CharField(_("Kennung"), max_length=40)
    subject_label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    action = models.CharField(_("Aktion"), max_length=80)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)
    comment = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Änderungsprotokoll")
        verbose_name_plural = _("Änderungsprotokoll")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="change_record_subject")]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.subject_label or self.subject_type} {self.action}"
