"""The data migrations of the package move: stored flow references and the audit links."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django_tasks_db.models import DBTaskResult
from viewflow.workflow.models import Process, Task

from tests import factories
from tests.builders import approved_application, in_review, invoice, open_payout_window, pay, request
from workflows.applications.flows import ApplicationFlow
from workflows.common.tasks import send_applicant_mail
from workflows.models import AuditRecord

flow_move = importlib.import_module("workflows.migrations.0002_flow_moved_to_applications")
audit_links = importlib.import_module("workflows.migrations.0003_auditrecord")
mail_move = importlib.import_module("workflows.migrations.0004_queued_mail_task_moved")


@pytest.fixture(autouse=True)
def media(media_root, sepa_debtor):
    return media_root


def test_processes_and_tasks_stored_under_the_old_module_find_their_flow_again(
    applicant, gardelegen, programme_year, active_members, clerk
):
    application = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    Process.objects.update(flow_class="workflows/flows.ApplicationFlow")
    Task.objects.filter(flow_task__isnull=False).update(flow_task="workflows/flows.ApplicationFlow.review")

    flow_move.forwards(apps, None)

    process = application.office_processes.get()
    assert process.flow_class is ApplicationFlow
    assert {task.flow_task for task in Task.objects.filter(process=process)} == {ApplicationFlow.review}

    flow_move.backwards(apps, None)
    # The old reference imports nothing any more, so read what is stored, not the field's value.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT flow_class FROM {Process._meta.db_table}")
        assert cursor.fetchall() == [("workflows/flows.ApplicationFlow",)]


def test_records_written_before_the_links_are_linked_to_their_payout_and_proof(
    applicant, gardelegen, programme_year, active_members, clerk, approver
):
    open_payout_window(programme_year)
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00", number="R-1")
    second = request(application, applicant, invoice("200.00", number="R-2"))
    proof = in_review(application, applicant, clerk)
    first = application.payouts.exclude(pk=second.pk).get()
    linked = {r.pk: (r.payout_id, r.proof_of_use_id) for r in AuditRecord.objects.filter(application=application)}
    # As the records stood before the migration: no links.
    AuditRecord.objects.update(payout=None, proof_of_use=None)

    audit_links.link_records(apps, None)

    again = {r.pk: (r.payout_id, r.proof_of_use_id) for r in AuditRecord.objects.filter(application=application)}
    assert again == linked
    assert set(first.audit_records.values_list("action", flat=True)) == {
        "budgets.payout.requested",
        "budgets.payout.checked",
        "budgets.payout.released",
        "budgets.payout.batched",
        "budgets.payout.exported",
        "budgets.payout.paid",
    }
    assert list(second.audit_records.values_list("action", flat=True)) == ["budgets.payout.requested"]
    assert set(proof.audit_records.values_list("action", flat=True)) == {
        "grants.proof_of_use.opened",
        "grants.proof_of_use.submitted",
        "grants.proof_of_use.review_started",
    }
    # The application's own records stay unlinked.
    assert AuditRecord.objects.filter(
        application=application, action="grants.application.approved", payout=None, proof_of_use=None
    ).exists()


def test_a_mail_queued_before_the_move_finds_its_task(settings, applicant, gardelegen, programme_year, active_members):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    application = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    send_applicant_mail.enqueue(application_id=application.pk, event="submitted")
    queued = DBTaskResult.objects.get()
    DBTaskResult.objects.update(task_path="workflows.tasks.send_applicant_mail")

    mail_move.forwards(apps, None)

    queued.refresh_from_db()
    assert queued.task_path == "workflows.common.tasks.send_applicant_mail"
    assert queued.task.func is send_applicant_mail.func
