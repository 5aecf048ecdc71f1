"""The lifecycle services: every transition, its audit record, its refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from budgets.models import LedgerEntry
from budgets.selectors import municipality_committed, programme_available
from grants.models import Application, EligibilityResult
from grants.roles import Role
from tests import factories
from workflows.applications import services
from workflows.applications.flows import sync_tasks_for
from workflows.common.errors import AlreadyCreated, WorkflowError
from workflows.models import AuditRecord

S = Application.Status


@pytest.fixture
def setting(applicant, clerk, approver, gardelegen, programme_year, active_members):
    return {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}


def actions(application: Application) -> list[str]:
    return list(application.audit_records.values_list("action", flat=True))


def test_submit_numbers_checks_and_puts_into_review(setting, django_capture_on_commit_callbacks):
    application = factories.draft(**setting)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(user=setting["applicant"], application_id=application.pk)

    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.file_number == "MF-2026-00001"
    assert application.submitted_at is not None
    results = {r.rule: r for r in application.eligibility_results.filter(current=True)}
    assert set(results) == {
        "member_active",
        "within_cap",
        "cost_types",
        "day_rate",
        "no_early_start",
        "deadline",
        "period_in_year",
        "amount",
    }
    assert all(r.rule_set_version == "1/r1" for r in results.values())
    # Submitted on 2026-11-25, after the deadline of 30.09.2026.
    assert results["deadline"].outcome == "failed"
    assert "30.09.2026" in results["deadline"].message
    assert results["member_active"].outcome == "passed"
    assert actions(application) == [
        "grants.application.created",
        "grants.application.submitted",
        "grants.application.review_started",
    ]
    record = application.audit_records.get(action="grants.application.submitted")
    assert (record.actor, record.from_state, record.to_state) == (setting["applicant"], "draft", "submitted")
    # The municipality's confirmation, then the clerks' notice of the new task.
    confirmation, to_clerks = mail.outbox
    assert "Eingangsbestätigung" in confirmation.subject
    assert "MF-2026-00001" in confirmation.body
    assert "2.550,00" in confirmation.body
    assert sorted(confirmation.to) == ["antrag@example.org", "kontakt@gardelegen.example"]
    assert to_clerks.subject == "Neuer Antrag zur Prüfung: MF-2026-00001"


def test_file_numbers_count_up_per_year(setting):
    first = factories.in_review(**setting)
    second = factories.in_review(**setting)
    assert (first.file_number, second.file_number) == ("MF-2026-00001", "MF-2026-00002")


def test_incomplete_draft_cannot_be_submitted_and_says_what_is_missing(setting):
    application = factories.draft(**setting, iban="", declaration_no_double_funding=False, lines=[])
    with pytest.raises(WorkflowError) as caught:
        services.application_submit(user=setting["applicant"], application_id=application.pk)
    assert caught.value.code == "incomplete"
    assert "IBAN" in caught.value.message
    assert "Kostenplan" in caught.value.message
    assert "Doppelförderung" in caught.value.message
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.file_number is None


def test_replayed_submit_has_no_second_effect(setting):
    application = factories.draft(**setting)
    revision = application.revision
    services.application_submit(user=setting["applicant"], application_id=application.pk, revision=revision)
    with pytest.raises(WorkflowError):
        services.application_submit(user=setting["applicant"], application_id=application.pk, revision=revision)
    assert actions(application).count("grants.application.submitted") == 1
    assert EligibilityResult.objects.filter(application=application).count() == 8


def test_stale_draft_form_is_refused(setting):
    application = factories.draft(**setting)
    stale = application.revision
    services.application_update(
        user=setting["applicant"], application_id=application.pk, revision=stale, data={"title": "Neu"}
    )
    with pytest.raises(WorkflowError) as caught:
        services.application_update(
            user=setting["applicant"], application_id=application.pk, revision=stale, data={"title": "Alt"}
        )
    assert caught.value.code == "stale"
    application.refresh_from_db()
    assert application.title == "Neu"


def test_foreign_applicant_cannot_touch_the_application(setting, foreign_applicant):
    application = factories.draft(**setting)
    for call in (
        lambda: services.application_submit(user=foreign_applicant, application_id=application.pk),
        lambda: services.application_withdraw(user=foreign_applicant, application_id=application.pk),
        lambda: services.application_update(
            user=foreign_applicant, application_id=application.pk, revision=None, data={"title": "x"}
        ),
    ):
        with pytest.raises(WorkflowError) as caught:
            call()
        assert caught.value.code == "forbidden"


def test_information_request_and_answer(setting, clerk, django_capture_on_commit_callbacks):
    application = factories.in_review(**setting)
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(clerk, application.pk)
        services.application_request_info(
            clerk=clerk, application_id=application.pk, message="Bitte Angebot des Moderators nachreichen."
        )
    assert mail.outbox[-1].subject.startswith("Rückfrage")
    assert "Bitte Angebot des Moderators nachreichen." in mail.outbox[-1].body

    with pytest.raises(WorkflowError, match="Antwort"):
        services.application_resubmit(user=setting["applicant"], application_id=application.pk, answer="  ")
    services.application_resubmit(user=setting["applicant"], application_id=application.pk, answer="Angebot liegt bei.")

    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    # The check runs again on resubmission; the older results stay on record.
    assert application.eligibility_results.filter(current=True).count() == 8
    assert application.eligibility_results.filter(current=False).count() == 8
    assert application.audit_records.get(action="grants.application.resubmitted").comment == "Angebot liegt bei."


def test_request_info_needs_a_message_and_a_clerk(setting, clerk, approver):
    application = factories.in_review(**setting)
    with pytest.raises(WorkflowError, match="Rückfrage"):
        factories.take(clerk, application.pk)
        services.application_request_info(clerk=clerk, application_id=application.pk, message="")
    with pytest.raises(WorkflowError) as caught:
        factories.take(approver, application.pk)
        services.application_request_info(clerk=approver, application_id=application.pk, message="Frage")
    assert caught.value.code == "forbidden"


def test_override_needs_a_reason_and_is_logged(setting, clerk):
    application = factories.in_review(**setting)
    failed = application.eligibility_results.get(current=True, rule="deadline")
    with pytest.raises(WorkflowError, match="Begründung"):
        factories.take(clerk, application.pk)
        services.eligibility_override(clerk=clerk, application_id=application.pk, result_id=failed.pk, reason=" ")
    passed = application.eligibility_results.get(current=True, rule="member_active")
    with pytest.raises(WorkflowError):
        factories.take(clerk, application.pk)
        services.eligibility_override(clerk=clerk, application_id=application.pk, result_id=passed.pk, reason="x")

    factories.take(clerk, application.pk)
    services.eligibility_override(
        clerk=clerk, application_id=application.pk, result_id=failed.pk, reason="Fristverlängerung per Erlass."
    )

    failed.refresh_from_db()
    assert failed.overridden_by == clerk
    assert not failed.blocking
    record = application.audit_records.get(action="grants.eligibility.overridden")
    assert record.comment == "deadline: Fristverlängerung per Erlass."


def test_recommendation_needs_overrides_and_at_most_the_requested_amount(setting, clerk):
    application = factories.in_review(**setting)
    recommend = {
        "clerk": clerk,
        "application_id": application.pk,
        "recommendation": Application.Recommendation.APPROVE,
        "reason": "passt",
    }
    with pytest.raises(WorkflowError) as caught:
        services.application_recommend(**recommend)
    assert caught.value.code == "not_claimed"
    factories.take(clerk, application.pk)
    with pytest.raises(WorkflowError) as caught:
        services.application_recommend(**recommend)
    assert caught.value.code == "blocking_rules"
    factories.override_failed(application, clerk)
    with pytest.raises(WorkflowError, match="nicht übersteigen"):
        services.application_recommend(**recommend, amount=Decimal("2550.01"))
    with pytest.raises(WorkflowError, match="größer als 0"):
        services.application_recommend(**recommend, amount=Decimal("0"))

    application = services.application_recommend(**recommend, amount=Decimal("2000.004"))

    assert application.status == S.RECOMMENDED
    assert application.recommended_amount == Decimal("2000.00")
    assert application.recommended_by == clerk


def test_approval_commits_money_and_tells_the_applicant(setting, clerk, approver, django_capture_on_commit_callbacks):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk, reason="Einverstanden.")

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == Decimal("2000.00")
    assert application.decided_by == approver
    entry = LedgerEntry.objects.get(application=application)
    assert (entry.kind, entry.amount, entry.booked_by) == ("commitment", Decimal("2000.00"), approver)
    assert municipality_committed(
        programme_year=setting["programme_year"], municipality=setting["municipality"]
    ) == Decimal("2000.00")
    assert programme_available(programme_year=setting["programme_year"]) == Decimal("248000.00")
    assert "bewilligt" in mail.outbox[-1].subject
    assert "2.000,00" in mail.outbox[-1].body


def test_double_approval_books_once(setting, clerk, approver):
    application = factories.recommended(**setting, clerk=clerk)
    factories.take(approver, application.pk)
    services.application_approve(approver=approver, application_id=application.pk)
    with pytest.raises(WorkflowError) as caught:
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    assert caught.value.code == "wrong_state"
    assert LedgerEntry.objects.filter(application=application).count() == 1


def test_four_eyes_in_the_service(setting):
    both = factories.user_with_roles("doppelrolle", Role.CLERK, Role.APPROVER)
    application = factories.recommended(**setting, clerk=both)
    for call in (services.application_approve, services.application_send_back):
        with pytest.raises(WorkflowError) as caught:
            call(approver=both, application_id=application.pk, reason="selbst")
        assert caught.value.code == "four_eyes"
    with pytest.raises(WorkflowError) as caught:
        factories.take(both, application.pk)
        services.application_reject(approver=both, application_id=application.pk, reason="selbst")
    assert caught.value.code == "four_eyes"
    assert not LedgerEntry.objects.exists()


def test_four_eyes_in_the_database(setting, clerk):
    application = factories.recommended(**setting, clerk=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(decided_by=clerk)


def test_cap_of_the_municipality_is_kept(setting, clerk, approver):
    first = factories.recommended(
        **setting, clerk=clerk, requested_amount=Decimal("3000.00"), lines=factories.moderation_lines("4")
    )
    second = factories.recommended(**setting, clerk=clerk, requested_amount=Decimal("2500.00"))
    factories.take(approver, first.pk)
    services.application_approve(approver=approver, application_id=first.pk)
    with pytest.raises(WorkflowError) as caught:
        factories.take(approver, second.pk)
        services.application_approve(approver=approver, application_id=second.pk)
    assert caught.value.code == "cap"
    assert "2.000,00" in caught.value.message  # what is still free
    second.refresh_from_db()
    assert second.status == S.RECOMMENDED
    assert LedgerEntry.objects.count() == 1


def test_budget_refusal_names_what_is_available(setting, clerk, approver, programme_year, bindlach, foreign_applicant):
    programme_year.budget = Decimal("5000.00")
    programme_year.save()
    other = factories.recommended(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        requested_amount=Decimal("3400.00"),
        lines=factories.moderation_lines("4"),
    )
    factories.take(approver, other.pk)
    services.application_approve(approver=approver, application_id=other.pk)
    application = factories.recommended(**setting, clerk=clerk)
    with pytest.raises(WorkflowError) as caught:
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    assert caught.value.code == "budget"
    assert "1.600,00" in caught.value.message


def test_rejection_and_send_back(setting, clerk, approver, django_capture_on_commit_callbacks):
    application = factories.recommended(**setting, clerk=clerk)
    factories.take(approver, application.pk)
    services.application_send_back(approver=approver, application_id=application.pk, reason="Betrag prüfen.")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    factories.take(clerk, application.pk)
    services.application_recommend(
        clerk=clerk, application_id=application.pk, recommendation="reject", reason="Doppelförderung festgestellt."
    )
    with pytest.raises(WorkflowError) as caught:
        factories.take(approver, application.pk)
        services.application_approve(approver=approver, application_id=application.pk)
    assert caught.value.code == "recommendation"
    with pytest.raises(WorkflowError, match="Begründung"):
        factories.take(approver, application.pk)
        services.application_reject(approver=approver, application_id=application.pk, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        factories.take(approver, application.pk)
        services.application_reject(approver=approver, application_id=application.pk, reason="Doppelförderung.")
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert "Doppelförderung." in mail.outbox[-1].body
    assert not LedgerEntry.objects.exists()


def test_withdraw_before_a_decision_only(setting, clerk):
    application = factories.in_review(**setting)
    services.application_withdraw(user=setting["applicant"], application_id=application.pk, reason="Projekt entfällt.")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    recommended = factories.recommended(**setting, clerk=clerk)
    with pytest.raises(WorkflowError) as caught:
        services.application_withdraw(user=setting["applicant"], application_id=recommended.pk)
    assert caught.value.code == "wrong_state"


def test_status_cannot_be_set_directly(setting):
    application = factories.draft(**setting)
    with pytest.raises(AttributeError):
        application.status = S.APPROVED


def test_audit_records_are_append_only(setting):
    record = factories.draft(**setting).audit_records.get()
    record.comment = "geändert"
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()
    assert AuditRecord.objects.get(pk=record.pk).comment == ""


# --- every status × action ---------------------------------------------------------------

ALLOWED = {
    "submit": {S.DRAFT},
    "resubmit": {S.INFO_REQUESTED},
    "withdraw": {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED},
    "request_info": {S.IN_REVIEW},
    "recommend": {S.IN_REVIEW},
    "approve": {S.RECOMMENDED},
    "reject": {S.RECOMMENDED},
    "send_back": {S.RECOMMENDED},
}
# The office's actions and who takes the task for them.
OFFICE_ACTIONS = {
    "request_info": "clerk",
    "recommend": "clerk",
    "approve": "approver",
    "reject": "approver",
    "send_back": "approver",
}


def _call(action: str, application: Application, personas: dict):
    pk = application.pk
    calls = {
        "submit": lambda: services.application_submit(user=personas["applicant"], application_id=pk),
        "resubmit": lambda: services.application_resubmit(
            user=personas["applicant"], application_id=pk, answer="Antwort"
        ),
        "withdraw": lambda: services.application_withdraw(user=personas["applicant"], application_id=pk),
        "request_info": lambda: services.application_request_info(
            clerk=personas["clerk"], application_id=pk, message="Frage"
        ),
        "recommend": lambda: services.application_recommend(
            clerk=personas["clerk"], application_id=pk, recommendation="reject", reason="Grund"
        ),
        "approve": lambda: services.application_approve(approver=personas["approver"], application_id=pk),
        "reject": lambda: services.application_reject(approver=personas["approver"], application_id=pk, reason="Grund"),
        "send_back": lambda: services.application_send_back(
            approver=personas["approver"], application_id=pk, reason="Grund"
        ),
    }
    return calls[action]()


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_status_and_action(setting, clerk, approver, status, action):
    personas = {"applicant": setting["applicant"], "clerk": clerk, "approver": approver}
    template = factories.draft(**setting)
    application = Application(
        municipality=template.municipality,
        programme_year=template.programme_year,
        created_by=setting["applicant"],
        status=status,
        recommendation="approve",
        recommended_amount=Decimal("1000.00"),
        recommended_by=clerk,
        **factories.complete_data(),
    )
    application.save()
    for line in template.cost_lines.all():
        line.pk = None
        line.application = application
        line.save()

    if status in ALLOWED[action]:
        if action in OFFICE_ACTIONS:
            # As on the office pages: the file is in the group's queue and its task claimed.
            sync_tasks_for(application)
            factories.take(personas[OFFICE_ACTIONS[action]], application.pk)
        _call(action, application, personas)
        application.refresh_from_db()
        assert application.status != status
        assert application.audit_records.exists()
    else:
        with pytest.raises(WorkflowError) as caught:
            _call(action, application, personas)
        assert caught.value.code == "wrong_state"
        application.refresh_from_db()
        assert application.status == status
        assert not application.audit_records.exists()


def test_the_same_new_application_form_creates_one_draft(setting, foreign_applicant, bindlach):
    create = {
        "user": setting["applicant"],
        "municipality": setting["municipality"],
        "programme_year": setting["programme_year"],
        "data": factories.complete_data(),
        "create_token": "formular-123",
    }
    with factories.while_open(setting["programme_year"]):
        draft = services.application_create(**create)
    # Sent again after the deadline passed: still the draft of the first, not a refusal.
    with pytest.raises(AlreadyCreated) as caught:
        services.application_create(**create)
    assert caught.value.application_id == draft.pk
    assert Application.objects.count() == 1
    # Somebody else's token is no way into their draft.
    with pytest.raises(WorkflowError) as caught, factories.while_open(setting["programme_year"]):
        services.application_create(**{**create, "user": foreign_applicant, "municipality": bindlach})
    assert caught.value.code == "stale"
    assert Application.objects.count() == 1
