"""Everything the case page (Akte) shows about one application, read in a fixed number of queries.

The page lists payouts, notices, e-mails and notes that grow with the file; each list
is one query (with what it shows joined in), never one per row, so an old file with
many payouts reads as fast as a new one (``tests/workflows/cases/test_case_page.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db.models import Prefetch, QuerySet
from viewflow.workflow.models import Task

from budgets.models import Payout, RefundClaim
from grants.models import Application, Attachment, CostLine, EligibilityResult, Municipality, ProofOfUse, SentEmail
from grants.roles import OFFICE_READERS
from reports.models import Notice
from reports.selectors import notices_of_application
from workflows.applications.flows import open_task_for
from workflows.applications.selectors import application_history, current_eligibility, office_application
from workflows.models import AuditRecord, CaseNote


@dataclass
class CaseFile:
    application: Application
    results: list[EligibilityResult]
    history: list[AuditRecord]
    notices: list[Notice]
    payouts: list[Payout]
    proof: ProofOfUse | None
    refund_claims: list[RefundClaim]
    emails: list[SentEmail]
    attachments: list[Attachment]
    cost_lines: list[CostLine]
    partners: list[Municipality]
    notes: list[CaseNote]
    task: Task | None


def case_notes(*, application: Application) -> list[CaseNote]:
    """The office's notes on the file, oldest first (newest last, as a file is read), with who wrote
    and who was mentioned."""
    user_model = get_user_model()
    return list(
        CaseNote.objects.filter(application=application)
        .select_related("author")
        .prefetch_related(Prefetch("mentioned", queryset=user_model.objects.order_by("last_name", "username")))
        .order_by("created_at", "pk")
    )


def case_file(*, pk: int) -> CaseFile:
    """The whole file of a submitted application (raises ``Application.DoesNotExist`` for a
    draft or an unknown id, as the other office pages do)."""
    application = office_application(pk=pk)
    return CaseFile(
        application=application,
        results=current_eligibility(application=application),
        # Payout and proof-of-use records belong to the application too (``audit_record``).
        history=application_history(application=application),
        notices=list(notices_of_application(application=application)),
        payouts=list(application.payouts.prefetch_related("files").order_by("requested_at", "pk")),
        proof=ProofOfUse.objects.filter(application=application).first(),
        refund_claims=list(application.refund_claims.select_related("proof").order_by("created_at", "pk")),
        emails=list(application.sent_emails.order_by("sent_at", "pk")),
        attachments=list(application.attachments.all()),
        cost_lines=list(application.cost_lines.select_related("cost_type")),
        partners=list(application.partner_municipalities.order_by("name", "ags")),
        notes=case_notes(application=application),
        task=open_task_for(application=application),
    )


def office_colleagues(*, exclude: AbstractUser | None = None) -> QuerySet:
    """Active people of the programme office (every office role), to be mentioned in a note."""
    queryset = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=OFFICE_READERS)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset
