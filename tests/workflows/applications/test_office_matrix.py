"""Every status × every programme-office action: allowed exactly where the lifecycle says."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import LedgerEntry
from grants.models import Application, EligibilityResult
from tests import factories
from workflows.applications import services
from workflows.applications.flows import sync_tasks_for
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord

S = Application.Status

# action → (status in which it is allowed, status it leads to)
ALLOWED = {
    "request_info": (S.IN_REVIEW, S.INFO_REQUESTED),
    "eligibility_override": (S.IN_REVIEW, S.IN_REVIEW),
    "recommend": (S.IN_REVIEW, S.RECOMMENDED),
    "approve": (S.RECOMMENDED, S.APPROVED),
    "reject": (S.RECOMMENDED, S.REJECTED),
    "send_back": (S.RECOMMENDED, S.IN_REVIEW),
}


def perform(action: str, application: Application, *, clerk, approver, result: EligibilityResult):
    calls = {
        "request_info": lambda: services.application_request_info(
            clerk=clerk, application_id=application.pk, message="Bitte Angebot nachreichen."
        ),
        "eligibility_override": lambda: services.eligibility_override(
            clerk=clerk, application_id=application.pk, result_id=result.pk, reason="Ausnahme begründet."
        ),
        "recommend": lambda: services.application_recommend(
            clerk=clerk,
            application_id=application.pk,
            recommendation=Application.Recommendation.REJECT,
            reason="Kein Bezug zum Programm.",
        ),
        "approve": lambda: services.application_approve(approver=approver, application_id=application.pk),
        "reject": lambda: services.application_reject(
            approver=approver, application_id=application.pk, reason="Wie empfohlen."
        ),
        "send_back": lambda: services.application_send_back(
            approver=approver, application_id=application.pk, reason="Bitte erneut prüfen."
        ),
    }
    return calls[action]()


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("status", list(S))
def test_office_action_in_status(status, action, applicant, clerk, approver, gardelegen, programme_year):
    # Protected FSM fields can be given to the constructor: any status, without the path to it.
    application = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Statusmatrix",
        status=status,
        submitted_at=timezone.now(),
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 20),
        requested_amount=Decimal("1000.00"),
        recommendation=Application.Recommendation.APPROVE,
        recommended_amount=Decimal("1000.00"),
        recommendation_reason="Erfüllt.",
        recommended_by=clerk,
    )
    application.save()
    result = EligibilityResult.objects.create(
        application=application, rule="deadline", outcome="failed", message="Nach der Frist.", rule_set_version="1/r1"
    )
    allowed_in, leads_to = ALLOWED[action]

    if status == allowed_in:
        # As on the office pages: the file is in the group's queue and its task claimed.
        sync_tasks_for(application)
        factories.take(approver if action in ("approve", "reject", "send_back") else clerk, application.pk)
        perform(action, application, clerk=clerk, approver=approver, result=result)
        application.refresh_from_db()
        assert application.status == leads_to
        # One record for the action (approval also opens the proof of use: its own record).
        records = AuditRecord.objects.filter(application=application).exclude(action__startswith="grants.proof_of_use.")
        assert records.count() == 1
        assert LedgerEntry.objects.filter(application=application).exists() == (action == "approve")
    else:
        with pytest.raises(WorkflowError) as caught:
            perform(action, application, clerk=clerk, approver=approver, result=result)
        assert caught.value.code == "wrong_state"
        assert "nicht möglich" in caught.value.message
        application.refresh_from_db()
        assert application.status == status
        assert not AuditRecord.objects.filter(application=application).exists()
        assert not LedgerEntry.objects.exists()
        result.refresh_from_db()
        assert result.overridden_by is None


@pytest.mark.parametrize("action", ["request_info", "eligibility_override", "recommend"])
def test_clerk_actions_refuse_other_roles(action, applicant, approver, controller, gardelegen, programme_year):
    application = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Rollen",
        status=S.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    application.save()
    result = EligibilityResult.objects.create(
        application=application, rule="deadline", outcome="failed", message="Nach der Frist.", rule_set_version="1/r1"
    )
    for user in (applicant, approver, controller):
        with pytest.raises(WorkflowError) as caught:
            perform(action, application, clerk=user, approver=None, result=result)
        assert caught.value.code == "forbidden"


@pytest.mark.parametrize("action", ["approve", "reject", "send_back"])
def test_approver_actions_refuse_other_roles(action, applicant, clerk, controller, gardelegen, programme_year):
    application = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Rollen",
        status=S.RECOMMENDED,
        submitted_at=timezone.now(),
        requested_amount=Decimal("1000.00"),
        recommendation=Application.Recommendation.APPROVE,
        recommended_amount=Decimal("1000.00"),
        recommended_by=clerk,
    )
    application.save()
    for user in (applicant, clerk, controller):
        with pytest.raises(WorkflowError) as caught:
            perform(action, application, clerk=None, approver=user, result=None)
        assert caught.value.code == "forbidden"
