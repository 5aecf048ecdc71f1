"""Writes of the reports app: the PDF of an issued notice, and report exports.

Both run after commit, in a background task (``reports.tasks`` calls them; what queues
the tasks is in ``reports.requests``), and both claim their row with an ``update()``
that must touch exactly one row, so running the same task twice has no second effect.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from grants.models import ProgrammeYear
from grants.roles import Role
from reports.errors import ReportsError
from reports.exports import EXPORTERS
from reports.exports.base import write_workbook
from reports.models import Notice, ReportExport
from reports.notices import render_notice
from reports.selectors import notices_waiting_for_pdf

logger = logging.getLogger(__name__)

EXPORT_ROLES = (Role.CONTROLLER, Role.ADMIN)
PROGRESS_EVERY = 5000


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- notices ------------------------------------------------------------------------------------


def notice_pdf_name(notice: Notice) -> str:
    return f"notices/{timezone.localdate(notice.issued_at).year}/{notice.file_name}"


def _with_attachments(data: bytes, attachments: list[dict]) -> bytes:
    """The notice followed by the pages of its attached PDFs (the year's ANBest).

    Refuses a file that is no longer the one recorded at issue: the notice would then say
    something else than what was decided.
    """
    if not attachments:
        return data
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    for attachment in attachments:
        with default_storage.open(attachment["name"], "rb") as handle:
            content = handle.read()
        if sha256_hex(content) != attachment["sha256"]:
            raise ReportsError(
                _("Die Anlage %(name)s wurde nach dem Erlass des Bescheids ersetzt.") % {"name": attachment["name"]},
                code="attachment_changed",
            )
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def notice_render(*, notice_id: int) -> Notice:
    """Render the PDF of an issued notice from its snapshot and attach it, once.

    The only write an issued notice ever sees: ``pdf``, ``sha256`` and ``rendered_at``
    are set by an ``update()`` on the row while its ``pdf`` is still empty. If two runs
    race, one update touches the row and the other removes the file it wrote.
    """
    notice = Notice.objects.get(pk=notice_id)
    if notice.pdf:
        return notice
    data = _with_attachments(render_notice(notice.snapshot), notice.snapshot.get("attached_pdfs") or [])
    digest = sha256_hex(data)
    name = default_storage.save(notice_pdf_name(notice), ContentFile(data))
    updated = Notice.objects.filter(pk=notice.pk, pdf="").update(pdf=name, sha256=digest, rendered_at=timezone.now())
    if updated != 1:
        default_storage.delete(name)
    return Notice.objects.get(pk=notice.pk)


def notices_render_missing() -> int:
    """Render every notice still without PDF (after a failed task); returns how many."""
    count = 0
    for notice_id in notices_waiting_for_pdf().values_list("pk", flat=True):
        notice_render(notice_id=notice_id)
        count += 1
    return count


def notice_pdf_verified(*, notice: Notice) -> bytes:
    """The stored PDF, refused unless its SHA-256 is the one recorded at issue."""
    if not notice.pdf:
        raise ReportsError(_("Der Bescheid wird noch erstellt. Bitte versuchen Sie es gleich noch einmal."))
    try:
        with notice.pdf.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = b""
    if sha256_hex(data) != notice.sha256:
        logger.error("Stored PDF of notice %s does not match its SHA-256.", notice.number)
        raise ReportsError(_("Die Datei des Bescheids ist beschädigt. Bitte wenden Sie sich an die Geschäftsstelle."))
    return data


# --- exports ------------------------------------------------------------------------------------


def report_export_run(*, export_id: int) -> ReportExport:
    """Write the workbook of a waiting export to MEDIA_ROOT/reports/ and mark it done."""
    claimed = ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).update(
        status=ReportExport.Status.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return ReportExport.objects.get(pk=export_id)
    export = ReportExport.objects.get(pk=export_id)
    path = None
    try:
        programme_year = ProgrammeYear.objects.get(year=export.year)
        exporter = EXPORTERS[export.exporter](programme_year=programme_year)
        ReportExport.objects.filter(pk=export_id).update(rows_total=exporter.row_count())

        def progress(rows: int) -> None:
            ReportExport.objects.filter(pk=export_id).update(rows_written=rows)

        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
        os.close(handle)
        write_workbook(exporter, path, progress=progress, progress_every=PROGRESS_EVERY)
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
            source.seek(0)
            name = default_storage.save(f"reports/{export.file_name}", File(source))
        ReportExport.objects.filter(pk=export_id).update(
            status=ReportExport.Status.DONE,
            file=name,
            sha256=digest.hexdigest(),
            size=os.path.getsize(path),
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Export %s failed.", export_id)
        ReportExport.objects.filter(pk=export_id).update(
            status=ReportExport.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    finally:
        if path and os.path.exists(path):
            os.unlink(path)
    return ReportExport.objects.get(pk=export_id)
