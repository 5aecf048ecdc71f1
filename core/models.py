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


class LegalPage(models.Model):
    """One of the public legal pages (Datenschutzerklärung, Impressum, Erklärung zur
    Barrierefreiheit), in its current version.

    Changed only by ``core.legal.legal_page_update``, which bumps ``version`` and keeps
    every saved version as a ``LegalPageVersion``: a consent recorded with a version
    number can show later what the person agreed to.
    """

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Datenschutzerklärung")
        IMPRINT = "imprint", _("Impressum")
        ACCESSIBILITY = "accessibility", _("Erklärung zur Barrierefreiheit")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("Überschrift"), max_length=200)
    # Plain text, paragraphs separated by blank lines; shown escaped, never as HTML.
    text = models.TextField(_("Text"))
    version = models.PositiveIntegerField(_("Fassung"), default=1)
    updated_at = models.DateTimeField(_("Stand"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Zuletzt geändert von"),
    )

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")
        ordering = ["kind"]
        constraints = [models.CheckConstraint(condition=models.Q(version__gte=1), name="legal_page_version_positive")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class LegalPageVersion(models.Model):
    """Append-only: every saved version of a legal page, as it was shown."""

    page = models.ForeignKey(LegalPage, on_delete=models.PROTECT, related_name="versions", verbose_name=_("Rechtstext"))
    version = models.PositiveIntegerField(_("Fassung"))
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"))
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )

    class Meta:
        verbose_name = _("Fassung eines Rechtstexts")
        verbose_name_plural = _("Fassungen der Rechtstexte")
        ordering = ["page", "-version"]
        constraints = [models.UniqueConstraint(fields=["page", "version"], name="legal_page_version_unique")]

    def __str__(self) -> str:
        return f"{self.page} {self.version}"
