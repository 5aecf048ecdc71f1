"""The programme office's human tasks as a django-viewflow process.

The state of record is the application's state machine (``Application.status``),
driven only by ``workflows.applications.services``. The viewflow process of an application holds
the human tasks that put it into a group queue:

- ``review``: in review, for the group ``clerk`` (Sachbearbeitung);
- ``decision``: recommended, for the group ``approver`` (Bewilligung);
- ``await_answer``: the office asked a question; a system task, in no queue.

Every task leads to one gateway (``route``) that reads the application's status and
opens the task that status needs, or ends the process. ``sync_tasks_for`` completes
the task a service has made obsolete; the gateway then opens the next one. So the
tasks follow the state machine and never decide anything themselves.

Claiming a task (viewflow's "assign") is a compare-and-swap ``update()`` that
touches exactly one row: of two clerks claiming at the same moment, one wins and the
other gets a German message.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished
from viewflow.workflow.status import PROCESS, STATUS

from grants.models import Application
from grants.roles import Role, has_role
from workflows.common.errors import WorkflowError
from workflows.models import ApplicationProcess

S = Application.Status

# Task states in which a task still waits for someone.
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# The task an application needs in each status; any other status needs none.
TASK_FOR_STATUS = {S.IN_REVIEW: "review", S.RECOMMENDED: "decision", S.INFO_REQUESTED: "await_answer"}
# Statuses reached by doing the open task (the process then ends normally); any other
# status without a task (withdrawn, …) cancels the process.
DONE_BY_TASK = {S.APPROVED, S.REJECTED}
# A status change moves the process at most a few steps; more means a bug.
MAX_STEPS = 6


def user_label(user: AbstractUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- nodes ---------------------------------------------------------------------------------


class OfficeTaskActivation(ViewActivation):
    @Activation.status.transition(source=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED], target=STATUS.DONE)
    def finish(self, user: AbstractUser | None = None) -> None:
        """Close the task because the service it stood for has run (the status moved on).

        Our own pages, not viewflow's task views, do the work, so the task goes straight
        from assigned (or, when a service ran without a claim, from new) to done.
        """
        moment = timezone.now()
        if self.task.owner_id is None and user is not None:
            self.task.owner = user
            self.task.assigned = moment
        self.task.started = self.task.started or moment
        self.task.finished = moment
        self.task.save()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class OfficeTask(flow.View):
    """A human task in the queue of one role (a Django group, see ``grants.roles``).

    The office pages in ``workflows.applications.views_office`` are the task's views; the generic
    viewflow task views are not routed.
    """

    activation_class = OfficeTaskActivation

    def __init__(self, *, role: Role, **kwargs):
        super().__init__(view=None, **kwargs)
        self.role = role

    def can_assign(self, user, task) -> bool:
        return task.owner_id is None and user.is_authenticated and has_role(user, self.role)

    def can_execute(self, user, task) -> bool:
        return task.owner_id is not None and task.owner_id == user.pk and has_role(user, self.role)


def _status_is(status: str):
    def condition(activation) -> bool:
        return activation.process.application.status == status

    return condition


class ApplicationFlow(flow.Flow):
    """Antragsbearbeitung

    Prüfung durch die Sachbearbeitung, Entscheidung durch die Bewilligung
    (Vier-Augen-Prinzip). Der Status des Antrags bestimmt die offene Aufgabe.
    """

    process_class = ApplicationProcess

    start = flow.StartHandle(this.start_process).Next(this.route)
    route = (
        flow.Switch()
        .Annotation(title=gettext_lazy("Weiterleitung nach Antragsstatus"))
        .Case(this.review, _status_is(S.IN_REVIEW))
        .Case(this.decision, _status_is(S.RECOMMENDED))
        .Case(this.await_answer, _status_is(S.INFO_REQUESTED))
        .Default(this.end)
    )
    review = (
        OfficeTask(role=Role.CLERK)
        .Annotation(title=gettext_lazy("Prüfung"))
        # A file that comes back (answered question, sent back by the approver)
        # returns to the clerk who worked on it last.
        .Assign(this.previous_reviewer)
        .Next(this.route)
    )
    decision = OfficeTask(role=Role.APPROVER).Annotation(title=gettext_lazy("Entscheidung")).Next(this.route)
    await_answer = flow.Handle().Annotation(title=gettext_lazy("Warten auf Antwort der Kommune")).Next(this.route)
    end = flow.End()

    def start_process(self, activation, application: Application):
        activation.process.application = application
        return activation.process

    def previous_reviewer(self, activation) -> AbstractUser | None:
        last = (
            Task.objects.filter(
                process_id=activation.process.pk, flow_task=self.review, status=STATUS.DONE, owner__isnull=False
            )
            .select_related("owner")
            .order_by("-pk")
            .first()
        )
        if last is not None and last.owner.is_active and has_role(last.owner, Role.CLERK):
            return last.owner
        return None


OFFICE_NODES = (ApplicationFlow.review, ApplicationFlow.decision)


def office_nodes_for(user: AbstractUser) -> list[OfficeTask]:
    """The task kinds whose queue the user sees: those of their groups; every kind for the
    controllers and administrators, who read the queue without working it."""
    nodes = [node for node in OFFICE_NODES if has_role(user, node.role)]
    if not nodes and (has_role(user, Role.CONTROLLER) or has_role(user, Role.ADMIN)):
        return list(OFFICE_NODES)
    return nodes


# --- reading tasks --------------------------------------------------------------------------


def open_tasks_qs(*, nodes=OFFICE_NODES):
    return Task.objects.filter(status__in=OPEN, flow_task__in=list(nodes))


def open_task_for(*, application: Application, node: OfficeTask | None = None) -> Task | None:
    """The open human task of the application (optionally of one kind), with its owner."""
    return (
        open_tasks_qs(nodes=[node] if node is not None else OFFICE_NODES)
        .filter(process__applicationprocess__application=application)
        .select_related("owner")
        .order_by("pk")
        .first()
    )


# --- claiming -------------------------------------------------------------------------------


def office_task_get(*, task_id: int, application_id: int | None = None) -> Task:
    """The open or closed office task ``task_id`` (of ``application_id``, if given), with its owner."""
    tasks = Task.objects.filter(pk=task_id, flow_task__in=list(OFFICE_NODES))
    if application_id is not None:
        tasks = tasks.filter(process__applicationprocess__application_id=application_id)
    task = tasks.select_related("owner").first()
    if task is None:
        raise WorkflowError(_("Die Aufgabe wurde nicht gefunden."), code="not_found")
    return task


# --- keeping the tasks in step with the status --------------------------------------------------


def _open_process(application_id: int) -> ApplicationProcess | None:
    return ApplicationProcess.objects.filter(application_id=application_id, status=PROCESS.NEW).order_by("-pk").first()


def _complete(task: Task, *, actor: AbstractUser | None) -> None:
    activation = task.flow_task.activation_class(task)
    if isinstance(activation, OfficeTaskActivation):
        # The person whose service call made the task obsolete did it, if it is their kind of task.
        doer = actor if actor is not None and has_role(actor, task.flow_task.role) else None
        activation.finish(user=doer)
    else:
        # The answer arrived (or the application left the question state): the wait is over.
        activation.run(None)
        activation.complete()
    activation.activate_next()


def sync_tasks_for(application: Application, *, actor: AbstractUser | None = None) -> Task | None:
    """Make the application's open task match its status; returns the open task (or ``None``).

    in review → one open review task for clerks; recommended → one open decision task
    for approvers; question asked → the process waits for the answer; approved or
    rejected → the process ends; any other status → the process is cancelled.

    Idempotent. Call it inside the service's transaction, after the transition is
    saved; it locks the application row like the services (lock order: programme
    year, application, then the tasks).
    """
    with transaction.atomic():
        status = (
            Application.objects.select_for_update(of=("self",))
            .filter(pk=application.pk)
            .values_list("status", flat=True)
            .get()
        )
        wanted = TASK_FOR_STATUS.get(status)
        for _step in range(MAX_STEPS):
            process = _open_process(application.pk)
            if process is None:
                if wanted is None:
                    return None
                ApplicationFlow.start.run(application=application)
                continue
            if wanted is None and status not in DONE_BY_TASK:
                ApplicationFlow.instance.cancel(process)
                return None
            tasks = list(Task.objects.filter(process_id=process.pk, status__in=OPEN).order_by("pk"))
            stale = [task for task in tasks if task.flow_task.name != wanted]
            if stale:
                for task in stale:
                    _complete(task, actor=actor)
                continue
            if tasks:
                return tasks[0]
            # An open process without an open task is stuck (a failed gateway): start afresh.
            ApplicationFlow.instance.cancel(process)
        raise FlowRuntimeError(f"Tasks of application {application.pk} did not settle in status {status}.")


def sync_tasks_all() -> int:
    """Give every application that needs a task one (after an upgrade); returns how many were synced."""
    count = 0
    for application in Application.objects.filter(status__in=list(TASK_FOR_STATUS)).only("pk").iterator():
        sync_tasks_for(application)
        count += 1
    return count
