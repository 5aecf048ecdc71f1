"""Reminders of the proof of use: one before its due date, one letter after it (Mahnung), each sent once.

The daily command ``send_proof_reminders`` runs ``proof_reminders_send``; a clerk sends a
due reminder earlier with ``proof_reminder_send``. Both go through ``_send``, so the
audit record, the letter and the e-mail are the same whoever sends it.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application, ProofOfUse
from reports.models import Notice
from workflows.common.audit import audit_proof
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    german_records,
    lock_application,
)
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant
from workflows.proofs.permissions import DUE_SOON, OVERDUE, proof_can_remind, proof_reminder_stage
from workflows.proofs.selectors import DUE_SOON_DAYS, WITH_PROOF, proofs_overdue
from workflows.proofs.services import proofs_open_missing

PS = ProofOfUse.Status

# The reminder after the deadline grants a new time limit (Nachfrist) of two weeks,
# after which the office moves to revoke the approval.
GRACE_DAYS = 14

__all__ = ["DUE_SOON_DAYS", "ReminderRun", "proof_reminder_send", "proof_reminders_send"]


@dataclass(frozen=True)
class Stage:
    field: str
    action: str
    event: str


STAGES = {
    DUE_SOON: Stage(
        field="due_soon_reminded_at", action="grants.proof_of_use.reminded_due_soon", event="proof_due_soon"
    ),
    OVERDUE: Stage(field="overdue_reminded_at", action="grants.proof_of_use.reminded_overdue", event="proof_overdue"),
}


def _comment(stage: str, due_date: datetime.date) -> str:
    if stage == OVERDUE:
        return _("Frist %(date)s überschritten") % {"date": f"{due_date:%d.%m.%Y}"}
    return _("Erinnerung an die Frist %(date)s") % {"date": f"{due_date:%d.%m.%Y}"}


@dataclass
class ReminderRun:
    opened: int = 0
    due_soon: list[ProofOfUse] = dataclasses.field(default_factory=list)
    overdue_reminded: list[ProofOfUse] = dataclasses.field(default_factory=list)
    overdue: list[ProofOfUse] = dataclasses.field(default_factory=list)


def _send(
    application: Application, proof_id: int, *, field: str, action: str, event: str, comment: str, actor
) -> ProofOfUse | None:
    """The core of every reminder, inside the caller's transaction with the application locked.

    Only the caller whose conditional update wins sends: a reminder goes out at most once.
    """
    won = ProofOfUse.objects.filter(pk=proof_id, status=PS.DUE, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if won != 1:
        return None
    proof = ProofOfUse.objects.get(pk=proof_id)
    proof.application = application
    audit_proof(proof=proof, action=action, actor=actor, from_state=proof.status, comment=comment)
    if field == "overdue_reminded_at":
        # The reminder after the deadline is a letter of record (Mahnung), not only an e-mail.
        # It prints the proof's own due date (a proof may be due earlier or later than the
        # year's default) and the new time limit.
        notice_issue(
            application=application,
            kind=Notice.Kind.PROOF_OF_USE_REMINDER,
            user=actor,
            extra={
                "proof_due_date": proof.due_date,
                "due_date": timezone.localdate() + datetime.timedelta(days=GRACE_DAYS),
            },
        )
    notify_applicant(application=application, event=event)
    return proof


def _remind(
    proof_id: int, *, field: str, action: str, event: str, comment: str, actor: AbstractUser | None = None
) -> ProofOfUse | None:
    """The daily job's reminder of one proof; ``None`` when another run (or a clerk) was first.

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
        return _send(application, proof_id, field=field, action=action, event=event, comment=comment, actor=actor)


@german_records
def proof_reminder_send(*, clerk: AbstractUser, proof_id: int) -> ProofOfUse:
    """Send the reminder the proof is due for now, on a clerk's demand, instead of waiting for the job.

    Refuses (``WorkflowError`` with the German reason) unless a reminder is due: the
    proof is submitted, closed, returned, not yet in the window, or already reminded.
    """
    today = timezone.localdate()
    with transaction.atomic():
        application_id = ProofOfUse.objects.filter(pk=proof_id).values_list("application_id", flat=True).first()
        if application_id is None:
            raise WorkflowError(_("Der Verwendungsnachweis wurde nicht gefunden."), code="not_found")
        application = lock_application(application_id)
        proof = ProofOfUse.objects.select_for_update().get(pk=proof_id)
        proof.application = application
        proof_can_remind(user=clerk, proof=proof, today=today).require()
        stage_name = proof_reminder_stage(proof=proof, today=today)
        stage = STAGES[stage_name]
        sent = _send(
            application,
            proof.pk,
            field=stage.field,
            action=stage.action,
            event=stage.event,
            comment=_comment(stage_name, proof.due_date),
            actor=clerk,
        )
    # Cannot happen while the locks above keep the job out; said, should the lock order ever change.
    if sent is None:
        raise WorkflowError(_("Die Erinnerung ist bereits versandt. Bitte laden Sie die Seite neu."), code="lost_race")
    return sent


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
        stage = STAGES[DUE_SOON]
        sent = _remind(
            proof.pk,
            field=stage.field,
            action=stage.action,
            event=stage.event,
            comment=_comment(DUE_SOON, proof.due_date),
        )
        if sent:
            run.due_soon.append(sent)
    late = ProofOfUse.objects.filter(
        status=PS.DUE, application__status__in=WITH_PROOF, overdue_reminded_at__isnull=True, due_date__lt=today
    )
    for proof in late.order_by("due_date", "pk"):
        stage = STAGES[OVERDUE]
        sent = _remind(
            proof.pk,
            field=stage.field,
            action=stage.action,
            event=stage.event,
            comment=_comment(OVERDUE, proof.due_date),
        )
        if sent:
            run.overdue_reminded.append(sent)
    run.overdue = list(proofs_overdue(today=today))
    return run
