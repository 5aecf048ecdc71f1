"""Internal notes on a case (Aktenvermerke): written by the office, read by the office only.

A note is never shown to the municipality: its pages read ``AuditRecord`` and the
file's data, never ``CaseNote``, and the note's audit record is internal
(``workflows.common.labels.INTERNAL_ACTION_PREFIXES``). The e-mail that tells a
mentioned colleague about a note names the file and the author, not the text: the
message leaves the system (forwarded, read by a deputy), the note stays in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.mail import mail_after_commit, site_url
from grants.models import Application
from workflows.applications.flows import user_label
from workflows.cases.permissions_case import case_can_note
from workflows.cases.selectors_case import office_colleagues
from workflows.common.audit import audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import clean_reason, german_records, lock_application
from workflows.models import CaseNote

NOTE_ADDED = "workflows.case_note.added"
MENTION_SUBJECT = gettext_lazy("Sie wurden in einem Vermerk zum Antrag %(number)s erwähnt")
# C0 control characters and DEL, except tab, line feed and carriage return: pasted from
# other programs, invisible on the page, and NUL cannot be stored at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def case_note_mention_notify(*, note: CaseNote, recipients: list[AbstractUser]) -> None:
    """Tell the colleagues mentioned in ``note``, each in their language, once the note is committed.

    The one place the mention e-mail leaves from (kept in the file's e-mail log)."""
    application = note.application
    mail_after_commit(
        template="case_note_mention",
        subject=MENTION_SUBJECT,
        subject_args={"number": application.file_number or application.pk},
        recipients=recipients,
        context={
            "author": user_label(note.author),
            "file_number": application.file_number or str(application.pk),
            "title": application.title,
            "municipality": application.municipality.name,
            "created_at": note.created_at,
            "url": site_url(reverse("case_detail", kwargs={"pk": application.pk}) + "#vermerke"),
        },
        application_id=application.pk,
    )


def _clean_text(text: str) -> str:
    text = clean_reason(text, what=_("den Text des Vermerks"))
    if CONTROL_CHARACTERS.search(text):
        raise WorkflowError(
            _("Der Text enthält unsichtbare Steuerzeichen. Bitte entfernen Sie sie (zum Beispiel neu tippen)."),
            code="control_characters",
        )
    return text


@german_records
def case_note_add(
    *, author: AbstractUser, application_id: int, text: str, mentioned_ids: Iterable[int] = ()
) -> CaseNote:
    """Add a note to the file of ``application_id`` and tell the colleagues mentioned.

    Only office staff can be mentioned (never a municipal user); mentioning oneself is
    left out. The note and its audit record are written together.
    """
    case_can_note(user=author).require()
    text = _clean_text(text)
    ids = {int(pk) for pk in mentioned_ids} - {author.pk}
    with transaction.atomic():
        application = lock_application(application_id)
        if application.status == Application.Status.DRAFT:
            # The office does not see drafts; a note on one would be a forged request.
            raise WorkflowError(_("Der Antrag wurde nicht gefunden."), code="not_found")
        colleagues = list(office_colleagues(exclude=author).filter(pk__in=ids)) if ids else []
        if len(colleagues) != len(ids):
            raise WorkflowError(
                _("Erwähnen können Sie nur Kolleginnen und Kollegen der Geschäftsstelle."), code="not_office"
            )
        note = CaseNote.objects.create(application=application, author=author, text=text)
        note.mentioned.set(colleagues)
        names = ", ".join(user_label(colleague) for colleague in colleagues)
        audit_record(
            application=application,
            action=NOTE_ADDED,
            actor=author,
            comment=_("Erwähnt: %(names)s") % {"names": names} if names else "",
        )
        if colleagues:
            case_note_mention_notify(note=note, recipients=colleagues)
    return note
