"""E-mails to applicants leave only after the transaction commits: a rolled-back
decision must never have been announced."""

from __future__ import annotations

from django.db import transaction

from grants.models import Application
from workflows.common.tasks import send_applicant_mail


def notify_applicant(*, application: Application, event: str, message: str = "") -> None:
    application_id = application.pk
    transaction.on_commit(
        lambda: send_applicant_mail.enqueue(application_id=application_id, event=event, message=message)
    )
