"""E-mails to applicants leave only after the transaction commits: a rolled-back
decision must never have been announced."""

from __future__ import annotations

from django.db import transaction

from grants.models import Application
from workflows.common.tasks import send_applicant_mail


def notify_applicant(*, application: Application, event: str, message: str = "", payout_id: int | None = None) -> None:
    """Queue the e-mail about ``event`` for when the transaction commits; ``payout_id``
    names the payout a payout event is about (plain values, so any task backend can queue them)."""
    application_id = application.pk
    arguments = {"application_id": application_id, "event": event, "message": message}
    if payout_id is not None:
        arguments["payout_id"] = payout_id
    transaction.on_commit(lambda: send_applicant_mail.enqueue(**arguments))
