"""Early start (vorzeitiger Maßnahmebeginn): the municipality asks, an approver allows or refuses.

Neither step moves the application's status; each writes its own audit record. Allowing
issues the consent notice and sets ``early_start_allowed``, which the eligibility rule
``no_early_start`` reads.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application
from reports.models import Notice
from workflows.applications.permissions import early_start_can_decide, early_start_can_request
from workflows.common.audit import audit_record
from workflows.common.guards import clean_reason, german_records, lock_application
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant

Outcome = Application.EarlyStartOutcome


@german_records
def early_start_request(*, user: AbstractUser, application_id: int, reason: str) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        early_start_can_request(user=user, application=application).require()
        application.early_start_reason = clean_reason(reason, what=_("eine Begründung des vorzeitigen Beginns"))
        application.early_start_requested_at = timezone.now()
        application.save(update_fields=["early_start_reason", "early_start_requested_at", "updated_at"])
        audit_record(
            application=application,
            action="grants.application.early_start_requested",
            actor=user,
            comment=application.early_start_reason,
        )
    return application


@german_records
def early_start_decide(*, approver: AbstractUser, application_id: int, allow: bool, reason: str) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        early_start_can_decide(user=approver, application=application).require()
        # A consent may come without words (the notice states what it means); a refusal may not.
        reason = clean_reason(reason, what=_("eine Begründung der Ablehnung"), required=not allow)
        application.early_start_outcome = Outcome.ALLOWED if allow else Outcome.REFUSED
        application.early_start_allowed = allow
        application.early_start_decided_at = timezone.now()
        application.early_start_decided_by = approver
        application.early_start_decision_reason = reason
        application.save(
            update_fields=[
                "early_start_outcome",
                "early_start_allowed",
                "early_start_decided_at",
                "early_start_decided_by",
                "early_start_decision_reason",
                "updated_at",
            ]
        )
        audit_record(
            application=application,
            action="grants.application.early_start_allowed" if allow else "grants.application.early_start_refused",
            actor=approver,
            comment=reason,
        )
        if allow:
            notice_issue(application=application, kind=Notice.Kind.EARLY_START, user=approver)
        notify_applicant(
            application=application, event="early_start_allowed" if allow else "early_start_refused", message=reason
        )
    return application
