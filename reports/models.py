"""Issued notices (Bescheide) and report exports.

A notice is an issued document, kept like an invoice: a frozen JSON copy of everything
it prints, a unique number (``ZD-2026-00042``), never changed and never deleted. A
correction is a new notice that names the one it replaces (``supersedes``).

The PDF is rendered from the frozen copy after the issuing transaction commits. That
is the one write an issued notice ever sees: ``pdf``, ``sha256`` and ``rendered_at``
are filled once, with a queryset ``update()`` on a row whose ``pdf`` is still empty
(compare-and-swap, see ``reports.services.notice_render``). ``save()`` on an existing
row, ``delete()`` and queryset updates of any other field raise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Application


class NoticeImmutable(Exception):
    """An issued notice was about to be changed or deleted: issue a correction instead."""


# The only fields a queryset may still write on an issued notice, once (see module doc).
NOTICE_RENDER_FIELDS = frozenset({"pdf", "sha256", "rendered_at"})


class NoticeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) - NOTICE_RENDER_FIELDS:
            raise NoticeImmutable("Issued notices cannot be changed; issue a correction (notice_correct).")
        return super().update(**kwargs)

    def delete(self):
        raise NoticeImmutable("Issued notices are never deleted.")


class Notice(models.Model):
    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Zuwendungsbescheid")
        REJECTION = "rejection", _("Ablehnungsbescheid")
        PAYOUT_ADVICE = "payout_advice", _("Auszahlungsmitteilung")
        PROOF_OF_USE_REMINDER = "proof_of_use_reminder", _("Erinnerung an den Verwendungsnachweis")
        REFUND_CLAIM = "refund_claim", _("Rückforderungsbescheid")
        EARLY_START = "early_start", _("Zustimmung zum vorzeitigen Maßnahmebeginn")

    number = models.CharField(_("Bescheidnummer"), max_length=20, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="notices", verbose_name=_("Antrag")
    )
    issued_at = models.DateTimeField(_("erlassen am"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Everything the PDF prints, as plain JSON: amounts as strings "1234.56", dates as
    # ISO strings. The renderer reads only this, never the database.
    snapshot = models.JSONField(_("Inhalt (eingefroren)"))
    # One-to-one: a notice is replaced at most once, so corrections form a chain.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("ersetzt"),
    )
    correction_reason = models.TextField(_("Grund der Berichtigung"), blank=True)
    pdf = models.FileField(_("PDF"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 des PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("erstellt am"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bescheid")
        verbose_name_plural = _("Bescheide")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "approval",
                        "rejection",
                        "payout_advice",
                        "proof_of_use_reminder",
                        "refund_claim",
                        "early_start",
                    ]
                ),
                name="notice_kind_known",
            ),
            # No file without its hash, no hash without a file, and the hash is a full SHA-256.
            models.CheckConstraint(
                condition=(Q(pdf="") & Q(sha256="") & Q(rendered_at__isnull=True))
                | (~Q(pdf="") & Exact(Length("sha256"), 64) & Q(rendered_at__isnull=False)),
                name="notice_pdf_with_sha256",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=models.F("pk")), name="notice_not_own_correction"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""), name="notice_correction_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["application", "kind"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise NoticeImmutable("Issued notices cannot be changed; issue a correction (notice_correct).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise NoticeImmutable("Issued notices are never deleted.")

    @property
    def file_name(self) -> str:
        return f"{self.number}.pdf"

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf)


class ReportExport(models.Model):
    """One run of an export (such as the annual report), written by a background task.

    Not an issued document: status and progress change while the task runs. The task
    claims a waiting export with an ``update()`` that must touch exactly one row.
    """

    class Exporter(models.TextChoices):
        ANNUAL_REPORT = "annual_report", _("Jahresbericht")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    OPEN = [Status.PENDING, Status.RUNNING]

    exporter = models.CharField(_("Bericht"), max_length=30, choices=Exporter.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("angefordert am"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet am"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("Zeilen gesamt"), default=0)
    rows_written = models.PositiveIntegerField(_("Zeilen geschrieben"), default=0)
    file = models.FileField(_("Datei"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    error = models.TextField(_("Fehler"), blank=True)

    class Meta:
        verbose_name = _("Export")
        verbose_name_plural = _("Exporte")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # A second click while an export of the same report and year runs starts nothing.
            models.UniqueConstraint(
                fields=["exporter", "year"],
                condition=Q(status__in=["pending", "running"]),
                name="report_export_one_open_per_year",
            ),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="report_export_done_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_exporter_display()} {self.year} ({self.get_status_display()})"

    @property
    def file_name(self) -> str:
        return f"{self.exporter.replace('_', '-')}-{self.year}-{self.pk}.xlsx"

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def shows_progress(self) -> bool:
        """Running, with a known number of rows: the page shows how far it is."""
        return self.status == self.Status.RUNNING and bool(self.rows_total)

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_written * 100 // self.rows_total)
