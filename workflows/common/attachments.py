"""Attachments of an application (offers, quotes): add and delete while it is editable.

The type of a file is decided by its content (``filetype`` reads the magic bytes),
never by its name or by the content type the browser sends: a text file called
``angebot.pdf`` is refused. The stored name is a random token; the user's file name
is kept only as data and given back on download.
"""

from __future__ import annotations

import os
import secrets
import unicodedata

import filetype
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application, Attachment
from grants.permissions import can_act_for
from grants.roles import Role, has_role
from workflows.common.audit import audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import german_records

# Limits live here, not in settings: they are part of what the office promises applicants.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
# Sniffed content type → file name endings that may carry it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
MAX_NAME = 200
SNIFF_BYTES = 8192


def _format_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def clean_file_name(name: str) -> str:
    """The file name without any path and without control characters, at most 200 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME - len(ext)] + ext
    return name


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(upload: UploadedFile, name: str) -> str:
    """Return the sniffed content type, or raise a German WorkflowError."""
    shown = name or _("ohne Namen")
    if upload.size is None or upload.size == 0:
        raise WorkflowError(_("Die Datei »%(name)s« ist leer.") % {"name": shown}, code="file_empty")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise WorkflowError(
            _("Die Datei »%(name)s« ist zu groß (%(size)s MB). Erlaubt sind höchstens %(limit)s MB.")
            % {"name": shown, "size": _format_mb(upload.size), "limit": _format_mb(MAX_ATTACHMENT_BYTES)},
            code="file_too_large",
        )
    mime = _sniff(upload)
    if mime not in ALLOWED_TYPES:
        raise WorkflowError(
            _(
                "Die Datei »%(name)s« ist keine PDF-, PNG- oder JPEG-Datei. Geprüft wird der Inhalt der Datei, "
                "nicht nur ihre Endung."
            )
            % {"name": shown},
            code="file_type",
        )
    ending = os.path.splitext(name)[1].lower()
    if ending not in ALLOWED_TYPES[mime]:
        raise WorkflowError(
            _(
                "Der Inhalt der Datei »%(name)s« passt nicht zu ihrer Endung (erkannt: %(kind)s). "
                "Bitte speichern Sie die Datei mit der Endung %(endings)s."
            )
            % {"name": shown, "kind": TYPE_LABELS[mime], "endings": " oder ".join(ALLOWED_TYPES[mime])},
            code="file_type",
        )
    return mime


def _lock_editable(user: AbstractUser, application_id: int) -> Application:
    try:
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("municipality", "programme_year")
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise WorkflowError(_("Der Antrag wurde nicht gefunden."), code="not_found") from None
    allowed, reason = can_act_for(user=user, municipality=application.municipality)
    if not allowed or not has_role(user, Role.APPLICANT):
        raise WorkflowError(reason or _("Diese Aktion ist Ihrer Rolle nicht erlaubt."), code="forbidden")
    if not application.is_editable:
        raise WorkflowError(
            _("Anlagen können im Status »%(status)s« nicht mehr geändert werden.")
            % {"status": application.get_status_display()},
            code="wrong_state",
        )
    return application


def _record(application: Application, *, action: str, user: AbstractUser, comment: str) -> None:
    # An attachment changes what the office will read: the form revision moves on (a form
    # rendered before is stale) and the history says who added or removed what.
    Application.objects.filter(pk=application.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    audit_record(application=application, action=action, actor=user, comment=comment)


@german_records
def attachment_add(*, user: AbstractUser, application_id: int, upload: UploadedFile) -> Attachment:
    """Store an uploaded PDF, PNG or JPEG (at most 10 MB) with the application."""
    name = clean_file_name(upload.name)
    content_type = check_upload(upload, name)
    stored_name = ""
    try:
        with transaction.atomic():
            application = _lock_editable(user, application_id)
            if application.attachments.count() >= MAX_ATTACHMENTS:
                raise WorkflowError(
                    _("Je Antrag sind höchstens %(limit)d Anlagen möglich.") % {"limit": MAX_ATTACHMENTS},
                    code="too_many_files",
                )
            attachment = Attachment(
                application=application,
                token=secrets.token_urlsafe(24),
                original_name=name,
                content_type=content_type,
                size=upload.size,
                uploaded_by=user,
            )
            upload.seek(0)
            attachment.file.save(attachment.token, upload, save=False)
            stored_name = attachment.file.name
            attachment.save()
            _record(application, action="grants.attachment.added", user=user, comment=name)
    except BaseException:
        # The row was rolled back; the file written for it must not stay behind.
        if stored_name:
            Attachment._meta.get_field("file").storage.delete(stored_name)
        raise
    return attachment


@german_records
def attachment_delete(*, user: AbstractUser, application_id: int, attachment_id: int) -> None:
    """Remove an attachment while the application is editable; the file goes after commit."""
    with transaction.atomic():
        application = _lock_editable(user, application_id)
        try:
            attachment = application.attachments.get(pk=attachment_id)
        except Attachment.DoesNotExist:
            raise WorkflowError(_("Die Anlage wurde nicht gefunden."), code="not_found") from None
        stored_name = attachment.file.name
        storage = attachment.file.storage
        name = attachment.original_name
        attachment.delete()
        _record(application, action="grants.attachment.deleted", user=user, comment=name)
        transaction.on_commit(lambda: storage.delete(stored_name))
