"""The viewflow process of an application: its tasks follow the status, claiming is race-free."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from grants.models import Application
from grants.roles import Role
from tests.conftest import PASSWORD
from workflows.applications.flows import (
    ApplicationFlow,
    open_task_for,
    sync_tasks_all,
    sync_tasks_for,
)
from workflows.applications.permissions import task_can_work
from workflows.applications.services import task_claim, task_release
from workflows.common.errors import WorkflowError
from workflows.models import ApplicationProcess

S = Application.Status


def user_with_roles(username: str, *roles: Role):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def set_status(application: Application, status: str) -> None:
    """Stand-in for a service: only the status matters to the tasks."""
    Application.objects.filter(pk=application.pk).update(status=status)


def open_tasks(application: Application) -> list[tuple[str, str]]:
    tasks = Task.objects.filter(
        process__applicationprocess__application=application, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).order_by("pk")
    return [(task.flow_task.name, task.status) for task in tasks]


@pytest.fixture
def application(applicant, gardelegen, programme_year):
    app = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Moderation Zukunftswerkstatt",
        status=S.IN_REVIEW,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
        requested_amount=Decimal("1200.00"),
        file_number="MF-2026-09001",
    )
    app.save()
    return app


def test_in_review_gets_one_open_review_task_and_sync_is_idempotent(application, clerk):
    task = sync_tasks_for(application)
    assert task.flow_task is ApplicationFlow.review
    assert (task.status, task.owner) == (STATUS.NEW, None)
    assert sync_tasks_for(application).pk == task.pk
    assert open_tasks(application) == [("review", STATUS.NEW)]
    assert ApplicationProcess.objects.filter(application=application).count() == 1


def test_tasks_follow_the_status_through_review_question_and_decision(application, applicant, clerk, approver):
    review = sync_tasks_for(application)
    task_claim(user=clerk, task_id=review.pk)

    set_status(application, S.INFO_REQUESTED)
    sync_tasks_for(application, actor=clerk)
    # Waiting for the municipality: no task in any human queue.
    assert open_task_for(application=application) is None
    assert open_tasks(application) == [("await_answer", STATUS.NEW)]

    set_status(application, S.IN_REVIEW)
    again = sync_tasks_for(application, actor=applicant)
    # The answered file returns to the clerk who asked.
    assert (again.flow_task.name, again.status, again.owner) == ("review", STATUS.ASSIGNED, clerk)

    set_status(application, S.RECOMMENDED)
    decision = sync_tasks_for(application, actor=clerk)
    assert (decision.flow_task.name, decision.status, decision.owner) == ("decision", STATUS.NEW, None)
    done_review = Task.objects.get(pk=again.pk)
    assert (done_review.status, done_review.owner) == (STATUS.DONE, clerk)

    set_status(application, S.APPROVED)
    assert sync_tasks_for(application, actor=approver) is None
    assert open_tasks(application) == []
    process = ApplicationProcess.objects.get(application=application)
    assert process.status == PROCESS.DONE
    decided = Task.objects.get(pk=decision.pk)
    assert (decided.status, decided.owner) == (STATUS.DONE, approver)


def test_send_back_returns_the_review_to_the_recommending_clerk(application, clerk, approver):
    review = sync_tasks_for(application)
    task_claim(user=clerk, task_id=review.pk)
    set_status(application, S.RECOMMENDED)
    sync_tasks_for(application, actor=clerk)
    set_status(application, S.IN_REVIEW)
    back = sync_tasks_for(application, actor=approver)
    assert (back.flow_task.name, back.owner) == ("review", clerk)


def test_withdrawal_cancels_the_process(application, applicant):
    sync_tasks_for(application)
    set_status(application, S.WITHDRAWN)
    assert sync_tasks_for(application, actor=applicant) is None
    assert open_tasks(application) == []
    assert ApplicationProcess.objects.get(application=application).status == PROCESS.CANCELED


def test_a_recommended_application_without_process_starts_at_the_decision(application):
    set_status(application, S.RECOMMENDED)
    task = sync_tasks_for(application)
    assert task.flow_task.name == "decision"
    assert open_tasks(application) == [("decision", STATUS.NEW)]


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.PAID])
def test_statuses_without_work_get_no_process(application, status):
    set_status(application, status)
    assert sync_tasks_for(application) is None
    assert not ApplicationProcess.objects.filter(application=application).exists()


def test_claim_is_a_compare_and_swap(application, clerk):
    other = user_with_roles("sachbearbeitung-2", Role.CLERK)
    task = sync_tasks_for(application)
    claimed = task_claim(user=clerk, task_id=task.pk)
    assert (claimed.owner, claimed.status) == (clerk, STATUS.ASSIGNED)
    assert claimed.assigned is not None
    # A double click changes nothing.
    assert task_claim(user=clerk, task_id=task.pk).owner == clerk
    with pytest.raises(WorkflowError) as caught:
        task_claim(user=other, task_id=task.pk)
    assert caught.value.code == "claimed"
    assert "bereits" in caught.value.message
    assert Task.objects.get(pk=task.pk).owner == clerk


def test_only_the_owner_may_act_and_release(application, clerk):
    other = user_with_roles("sachbearbeitung-2", Role.CLERK)
    task = sync_tasks_for(application)
    assert tuple(task_can_work(task=task, user=clerk)) == (False, "Bitte übernehmen Sie die Aufgabe zuerst.")
    task = task_claim(user=clerk, task_id=task.pk)
    assert tuple(task_can_work(task=task, user=clerk)) == (True, "")
    allowed, reason = task_can_work(task=task, user=other)
    assert not allowed
    assert "bearbeitet" in reason
    with pytest.raises(WorkflowError):
        task_release(user=other, task_id=task.pk)
    released = task_release(user=clerk, task_id=task.pk)
    assert (released.owner, released.status) == (None, STATUS.NEW)
    assert task_claim(user=other, task_id=task.pk).owner == other


def test_a_task_is_claimed_only_from_its_own_group(application, approver, controller):
    task = sync_tasks_for(application)
    for user in (approver, controller):
        with pytest.raises(WorkflowError) as caught:
            task_claim(user=user, task_id=task.pk)
        assert caught.value.code == "forbidden"
    assert Task.objects.get(pk=task.pk).owner is None


def test_a_closed_task_cannot_be_claimed(application, clerk):
    task = sync_tasks_for(application)
    set_status(application, S.WITHDRAWN)
    sync_tasks_for(application)
    with pytest.raises(WorkflowError) as caught:
        task_claim(user=clerk, task_id=task.pk)
    assert caught.value.code == "closed"


def test_a_task_of_another_application_is_not_claimed_through_this_one(application, applicant, clerk):
    other = Application(
        municipality=application.municipality,
        programme_year=application.programme_year,
        created_by=applicant,
        title="Anderer Antrag",
        status=S.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    other.save()
    task = sync_tasks_for(other)
    with pytest.raises(WorkflowError) as caught:
        task_claim(user=clerk, task_id=task.pk, application_id=application.pk)
    assert caught.value.code == "not_found"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_claims_one_wins(on_postgres, applicant, gardelegen, programme_year):
    clerks = [user_with_roles(f"sachbearbeitung-{n}", Role.CLERK) for n in range(4)]
    app = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Parallel übernommen",
        status=S.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    app.save()
    task = sync_tasks_for(app)
    barrier = threading.Barrier(len(clerks))
    won, refused = [], []
    lock = threading.Lock()

    def work(user) -> None:
        try:
            barrier.wait(timeout=10)
            task_claim(user=user, task_id=task.pk)
            with lock:
                won.append(user.pk)
        except WorkflowError as exc:
            with lock:
                refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(won) == 1
    assert refused == ["claimed"] * 3
    assert Task.objects.get(pk=task.pk).owner_id == won[0]


def test_sync_all_gives_existing_applications_their_tasks(application, applicant, gardelegen, programme_year):
    recommended = Application(
        municipality=gardelegen,
        programme_year=programme_year,
        created_by=applicant,
        title="Schon empfohlen",
        status=S.RECOMMENDED,
        submitted_at=timezone.now(),
    )
    recommended.save()
    assert sync_tasks_all() == 2
    assert open_tasks(application) == [("review", STATUS.NEW)]
    assert open_tasks(recommended) == [("decision", STATUS.NEW)]
    assert sync_tasks_all() == 2
    assert Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN").count() == 2


def test_viewflow_permissions_follow_the_groups(application, clerk, approver):
    task = sync_tasks_for(application)
    node = task.flow_task
    assert node.can_assign(clerk, task)
    assert not node.can_assign(approver, task)
    task = task_claim(user=clerk, task_id=task.pk)
    assert node.can_execute(clerk, task)
    assert not node.can_execute(approver, task)
    assert not node.can_assign(clerk, task)
