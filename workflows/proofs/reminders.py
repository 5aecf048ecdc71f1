"""Reminders of the proof of use: one before its due date, one letter after it (Mahnung), each sent once.

The daily command ``send_proof_reminders`` runs ``proof_reminders_send``.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import ProofOfUse
from reports.models import Notice
from workflows.common.audit import audit_proof
from workflows.common.guards import (
    german_records,
    lock_application,
)
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant
from workflows.proofs.selectors import WITH_PROOF, proofs_overdue
from workflows.proofs.services import proofs_open_missing

PS = ProofOfUse.Status


# The "due soon" reminder goes out this many days before the due date.
DUE_SOON_DAYS = 14


@dataclass
class ReminderRun:
    opened: int = 0
    due_soon: list[ProofOfUse] = dataclasses.field(default_factory=list)
    overdue_reminded: list[ProofOfUse] = dataclasses.field(default_factory=list)
    overdue: list[ProofOfUse] = dataclasses.field(default_factory=list)


def _remind(proof_id: int, *, field: str, action: str, event: str, comment: str) -> ProofOfUse | None:
    """Send one reminder at most once: only the run whose conditional update wins sends it.

    The application is locked first, as in every other proof service (lock
    order), so a reminder never deadlocks with a submission of the same proof.
    """
    with transaction.atomic():
        application_id = ProofOfUse.objects.filter(pk=proof_id).values_list("application_id", flat=True).first()
        if application_id is None:
            return None
        application = lock_application(application_id)
        if application.status not in WITH_PROOF:
            return None
        won = ProofOfUse.objects.filter(pk=proof_id, status=PS.DUE, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
        if won != 1:
            return None
        proof = ProofOfUse.objects.get(pk=proof_id)
        proof.application = application
        audit_proof(proof=proof, action=action, actor=None, from_state=proof.status, comment=comment)
        if field == "overdue_reminded_at":
            # The reminder after the deadline is a letter of record (Mahnung), not only an e-mail.
            notice_issue(application=application, kind=Notice.Kind.PROOF_OF_USE_REMINDER, user=None)
        notify_applicant(application=application, event=event)
    return proof


@german_records
def proof_reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Open missing proofs; remind once 14 days before the due date and once after it.

    Safe to run as often as cron likes: each reminder is sent at most once per proof.
    """
    today = today or timezone.localdate()
    run = ReminderRun(opened=proofs_open_missing())
    soon = ProofOfUse.objects.filter(
        status=PS.DUE,
        application__status__in=WITH_PROOF,
        due_soon_reminded_at__isnull=True,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
    ).order_by("due_date", "pk")
    for proof in soon:
        sent = _remind(
            proof.pk,
            field="due_soon_reminded_at",
            action="grants.proof_of_use.reminded_due_soon",
            event="proof_due_soon",
            comment=_("Erinnerung an die Frist %(date)s") % {"date": f"{proof.due_date:%d.%m.%Y}"},
        )
        if sent:
            run.due_soon.append(sent)
    late = ProofOfUse.objects.filter(
        status=PS.DUE, application__status__in=WITH_PROOF, overdue_reminded_at__isnull=True, due_date__lt=today
    )
    for proof in late.order_by("due_date", "pk"):
        sent = _remind(
            proof.pk,
            field="overdue_reminded_at",
            action="grants.proof_of_use.reminded_overdue",
            event="proof_overdue",
            comment=_("Frist %(date)s überschritten") % {"date": f"{proof.due_date:%d.%m.%Y}"},
        )
        if sent:
            run.overdue_reminded.append(sent)
    run.overdue = list(proofs_overdue(today=today))
    return run
