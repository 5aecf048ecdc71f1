"""Bulk actions: the same service as one by one, for each selected item in its own transaction.

One refusal (a task someone else was faster to claim, a proof submitted meanwhile)
becomes a line of the result with the service's German reason; it undoes nothing
that was done for the other items.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from grants.models import ProofOfUse
from workflows.applications.flows import OFFICE_NODES, office_task_get
from workflows.applications.services import task_claim
from workflows.bulk.results import BulkLine, BulkOutcome
from workflows.common.errors import WorkflowError
from workflows.proofs.reminders import proof_reminder_send


def _task_references(task_ids: list[int]) -> dict[int, str]:
    """The file number of each task's application, in one query (ids that are no office task are left out)."""
    rows = (
        Task.objects.filter(pk__in=task_ids, flow_task__in=list(OFFICE_NODES))
        .annotate(file_number=F("process__applicationprocess__application__file_number"))
        .values_list("pk", "file_number")
    )
    return {pk: number or "" for pk, number in rows}


def tasks_claim_many(*, user: AbstractUser, task_ids: list[int]) -> BulkOutcome:
    """Claim each task through ``task_claim``, as the review and decision pages do one by one."""
    outcome = BulkOutcome()
    references = _task_references(task_ids)
    for task_id in task_ids:
        reference = references.get(task_id) or _("Aufgabe %(id)s") % {"id": task_id}
        try:
            with transaction.atomic():
                before = office_task_get(task_id=task_id)
                # ``task_claim`` answers a repeat by its owner with success; here it would read as done twice.
                if before.owner_id == user.pk and before.status == STATUS.ASSIGNED:
                    raise WorkflowError(_("Diese Aufgabe haben Sie bereits übernommen."), code="claimed")
                task = task_claim(user=user, task_id=task_id)
        except WorkflowError as error:
            outcome.refused.append(BulkLine(reference, error.message))
            continue
        outcome.done.append(BulkLine(reference, _("Übernommen: %(task)s") % {"task": task.flow_task.task_title}))
    return outcome


def proof_reminders_send_many(*, clerk: AbstractUser, proof_ids: list[int]) -> BulkOutcome:
    """Send the due reminder of each proof through ``proof_reminder_send`` (its own transaction each)."""
    outcome = BulkOutcome()
    references = dict(ProofOfUse.objects.filter(pk__in=proof_ids).values_list("pk", "application__file_number"))
    for proof_id in proof_ids:
        reference = references.get(proof_id) or _("Verwendungsnachweis %(id)s") % {"id": proof_id}
        try:
            proof = proof_reminder_send(clerk=clerk, proof_id=proof_id)
        except WorkflowError as error:
            outcome.refused.append(BulkLine(reference, error.message))
            continue
        # Only a proof past its due date gets the letter (Mahnung); before, the reminder.
        if proof.due_date < timezone.localdate():
            text = _("Mahnung versandt (Frist %(date)s überschritten).")
        else:
            text = _("Erinnerung an die Frist %(date)s versandt.")
        outcome.done.append(BulkLine(reference, text % {"date": f"{proof.due_date:%d.%m.%Y}"}))
    return outcome
