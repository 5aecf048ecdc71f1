"""Programme office: the queue, the review page (clerks) and the decision page (approvers).

Views are thin: check the role and who holds the task, validate the form, call one
service, bring the tasks in step with the new status (``flows.sync_tasks_for``), and
show the service's German message when it refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from budgets.selectors import municipality_remaining_cap, programme_available
from grants.addresses import address_missing, address_of
from grants.eligibility import NOT_OVERRIDABLE, RULE_LABELS
from grants.models import Application, StructuralStatus
from grants.permissions import role_required
from grants.roles import OFFICE_READERS, OFFICE_WORKERS, Role
from workflows.applications import flows, selectors, services
from workflows.applications.early_start import early_start_decide
from workflows.applications.flows import ApplicationFlow
from workflows.applications.forms_office import (
    ApproveForm,
    EarlyStartDecisionForm,
    OverrideForm,
    QueueFilterForm,
    RecommendApprovalForm,
    RecommendRejectionForm,
    RejectForm,
    RequestInfoForm,
    SendBackForm,
    TaskForm,
)
from workflows.applications.permissions import (
    application_can_claim,
    application_can_decide,
    application_can_open_decision,
    application_can_review,
    early_start_can_decide,
)
from workflows.bulk.forms import SELECTED, token_new
from workflows.common.errors import WorkflowError, form_error_add
from workflows.common.labels import ACTION_LABELS, STATUS_VARIANTS, UNKNOWN_ACTION
from workflows.common.permissions import Permission
from workflows.common.warnings import base_rate_warning

S = Application.Status
SS = StructuralStatus.Status
QUEUE_PAGE_SIZE = 50
PAGE_PARAM = "seite"

OUTCOME_VARIANTS = {"passed": "success", "failed": "danger", "warning": "warning"}
STRUCTURAL_SHORT = {SS.C: "C", SS.D: "D", SS.NONE: gettext_lazy("keine")}
# The badge of the GRW priority: C areas first, then D.
STRUCTURAL_VARIANTS = {SS.C: "danger", SS.D: "warning", SS.NONE: "info"}

# Controllers and administrators read every office page; only clerks and approvers post.
office_pages = role_required(*OFFICE_READERS, write=OFFICE_WORKERS)
# The approver's three answers to a recommendation: form, the service call, message.
DECISIONS = {
    "approve": (
        ApproveForm,
        lambda approver, application, data: services.application_approve(
            approver=approver, application_id=application.pk, amount=data["amount"], reason=data["note"]
        ),
        gettext_lazy("Der Antrag ist bewilligt; die Mittel sind gebunden."),
    ),
    "reject": (
        RejectForm,
        lambda approver, application, data: services.application_reject(
            approver=approver, application_id=application.pk, reason=data["reason"]
        ),
        gettext_lazy("Der Antrag ist abgelehnt."),
    ),
    "send_back": (
        SendBackForm,
        lambda approver, application, data: services.application_send_back(
            approver=approver, application_id=application.pk, reason=data["reason"]
        ),
        gettext_lazy("Der Antrag ist zur erneuten Prüfung an die Sachbearbeitung zurückgegangen."),
    ),
}


def _decision_form(action: str, application: Application, data=None):
    form_class = DECISIONS[action][0]
    if form_class is ApproveForm:
        return ApproveForm(data, prefix=action, recommended=application.recommended_amount)
    return form_class(data, prefix=action)


# The clerk's answers on the review page: form, its prefix, its key among the page's
# forms, the service it calls, the message. Rule overrides have a form per rule.
REVIEW_ACTIONS = {
    "request_info": (
        RequestInfoForm,
        "info",
        "info_form",
        lambda clerk, application, data: services.application_request_info(
            clerk=clerk, application_id=application.pk, message=data["message"]
        ),
        gettext_lazy("Die Rückfrage ist an die Kommune gegangen."),
    ),
    "recommend_approval": (
        RecommendApprovalForm,
        "approval",
        "approval_form",
        lambda clerk, application, data: services.application_recommend(
            clerk=clerk,
            application_id=application.pk,
            recommendation=Application.Recommendation.APPROVE,
            amount=data["amount"],
            reason=data["reason"],
        ),
        gettext_lazy("Die Bewilligung ist empfohlen; der Antrag liegt jetzt zur Entscheidung vor."),
    ),
    "recommend_rejection": (
        RecommendRejectionForm,
        "rejection",
        "rejection_form",
        lambda clerk, application, data: services.application_recommend(
            clerk=clerk,
            application_id=application.pk,
            recommendation=Application.Recommendation.REJECT,
            reason=data["reason"],
        ),
        gettext_lazy("Die Ablehnung ist empfohlen; der Antrag liegt jetzt zur Entscheidung vor."),
    ),
}
REVIEW_OVERRIDE_DONE = gettext_lazy("Die Regel ist übersteuert; die Begründung ist protokolliert.")


# --- presentation helpers (no rules) ---------------------------------------------------------


def _priority(application: Application) -> dict:
    """Short GRW status and why it applies, from the annotations of the selectors."""
    status = application.structural_status
    label = SS(status).label
    if status == SS.NONE:
        reason = label
    elif application.structural_own:
        reason = _("%(label)s (Einstufung der Gemeinde)") % {"label": label}
    else:
        kreis = application.municipality.kreis
        reason = _("%(label)s über den Kreis %(kreis)s") % {"label": label, "kreis": kreis.name if kreis else "–"}
    return {"short": STRUCTURAL_SHORT[status], "reason": reason, "variant": STRUCTURAL_VARIANTS[status]}


def _task_page_url(application: Application, task) -> str:
    if task is not None and task.flow_task.name == ApplicationFlow.decision.name:
        return reverse("office_decision", kwargs={"pk": application.pk})
    return reverse("office_review", kwargs={"pk": application.pk})


def _history(application: Application) -> list[dict]:
    return [
        {
            "record": record,
            "label": ACTION_LABELS.get(record.action, UNKNOWN_ACTION),
            "actor": flows.user_label(record.actor) or _("System"),
            "from_label": S(record.from_state).label if record.from_state in S.values else record.from_state,
            "to_label": S(record.to_state).label if record.to_state in S.values else record.to_state,
        }
        for record in selectors.application_history(application=application)
    ]


def _results(application: Application) -> list[dict]:
    return [
        {
            "result": result,
            "label": RULE_LABELS.get(result.rule, result.rule),
            "variant": OUTCOME_VARIANTS.get(result.outcome, "info"),
            # A failed hard limit says why no override is offered.
            "not_overridable": NOT_OVERRIDABLE.get(result.rule, "") if result.blocking else "",
        }
        for result in selectors.current_eligibility(application=application)
    ]


def _application_or_404(pk: int) -> Application:
    try:
        return selectors.office_application(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _task_context(request: HttpRequest, application: Application, task, node, permission: Permission) -> dict:
    """The task panel: ``permission`` is the page's own (review or decision), shown with its reason."""
    return {
        "task": task,
        "task_node_title": node.task_title,
        "task_owner": flows.user_label(task.owner) if task is not None and task.owner_id else "",
        "may_act": permission.allowed,
        "act_reason": permission.reason,
        "may_claim": application_can_claim(user=request.user, application=application, task=task).allowed,
        "owns_task": task is not None and task.owner_id == request.user.pk,
        "task_form": TaskForm(initial={"task": task.pk}) if task is not None else None,
    }


def _common_context(application: Application) -> dict:
    return {
        "application": application,
        # Said before anyone decides: a notice cannot go out without it.
        "address_missing": address_missing(address=address_of(municipality=application.municipality)),
        "priority": _priority(application),
        "status_variant": STATUS_VARIANTS.get(application.status, "info"),
        "results": _results(application),
        "history": _history(application),
    }


def _run(
    request,
    *,
    permission: Permission,
    form,
    call: Callable[[dict], object],
    done: str,
    next_url: str,
):
    """Check the page's permission, validate, call one service; ``None`` means: show the form again.

    The service asks the same permission again under its lock and brings the tasks in step.
    """
    if not permission.allowed:
        form.add_error(None, permission.reason)
        return None
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except WorkflowError as error:
        form_error_add(form, error)
        return None
    messages.success(request, done)
    return redirect(next_url)


def _claim_or_release(request: HttpRequest, application: Application, task, *, action: str, page_url: str):
    form = TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Die Aufgabe wurde nicht gefunden. Bitte laden Sie die Seite neu."))
        return redirect(page_url)
    try:
        if action == "claim":
            services.task_claim(user=request.user, task_id=form.cleaned_data["task"], application_id=application.pk)
            messages.success(request, _("Sie haben die Aufgabe übernommen."))
        else:
            services.task_release(user=request.user, task_id=form.cleaned_data["task"], application_id=application.pk)
            messages.success(request, _("Die Aufgabe ist zurück in der Warteschlange."))
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect(page_url)


def _task_page(
    request: HttpRequest,
    pk: int,
    *,
    node,
    url_name: str,
    respond: Callable[..., HttpResponse],
    step: Callable[..., HttpResponse | tuple[str, object]],
) -> HttpResponse:
    """The review and the decision page: show the file with its task, claim or give the task
    back, or do one step; a step that was refused shows the page again with its form."""
    application = _application_or_404(pk)
    task = flows.open_task_for(application=application, node=node)
    if request.method != "POST":
        return respond(request, application, task)
    page_url = reverse(url_name, kwargs={"pk": application.pk})
    action = request.POST.get("action", "")
    if action in ("claim", "release"):
        return _claim_or_release(request, application, task, action=action, page_url=page_url)
    outcome = step(request, application, task, action=action, page_url=page_url)
    if isinstance(outcome, HttpResponse):
        return outcome
    bound_key, form = outcome
    application = _application_or_404(pk)
    task = flows.open_task_for(application=application, node=node)
    return respond(request, application, task, bound={bound_key: form})


# --- queue -----------------------------------------------------------------------------------


@login_required
@office_pages
@require_http_methods(["GET", "HEAD"])
def office_queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    queryset = selectors.office_queue(user=request.user, filters=form.to_filter())
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    applications = list(page.object_list)
    tasks = selectors.queue_tasks(user=request.user, applications=applications)
    rows = []
    for application in applications:
        task = tasks.get(application.pk)
        rows.append(
            {
                "application": application,
                "priority": _priority(application),
                "task": task,
                "claimed_by": flows.user_label(task.owner) if task is not None and task.owner_id else "",
                "url": _task_page_url(application, task),
                # A checkbox only where the claim would be allowed (never for readers).
                "may_claim": application_can_claim(user=request.user, application=application, task=task).allowed,
            }
        )
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "page_param": PAGE_PARAM,
        "overdue_days": selectors.OVERDUE_AFTER_DAYS,
        "any_claimable": any(row["may_claim"] for row in rows),
        "bulk_token": token_new(),
        "selected_name": SELECTED,
        **base_rate_warning(request.user),
    }
    return render(request, "workflows/office_queue.html", context)


# --- review (clerks) --------------------------------------------------------------------------


def _review_forms(application: Application, results: list[dict]) -> dict:
    return {
        "overrides": {
            row["result"].pk: OverrideForm(prefix=f"override-{row['result'].pk}")
            for row in results
            if row["result"].blocking and not row["not_overridable"]
        },
        "info_form": RequestInfoForm(prefix="info"),
        "approval_form": RecommendApprovalForm(prefix="approval", initial={"amount": application.requested_amount}),
        "rejection_form": RecommendRejectionForm(prefix="rejection"),
    }


def _review_response(request: HttpRequest, application: Application, task, *, bound: dict | None = None):
    permission = application_can_review(user=request.user, application=application, task=task)
    context = _common_context(application)
    context.update(_task_context(request, application, task, ApplicationFlow.review, permission))
    forms = _review_forms(application, context["results"])
    # A refused override of a rule that offers none (a hard limit, or no longer failed)
    # says why above the page instead of showing a form that can never succeed.
    stray = []
    for key, form in (bound or {}).items():
        if key.startswith("override-"):
            result_id = int(key.removeprefix("override-"))
            if result_id in forms["overrides"]:
                forms["overrides"][result_id] = form
            else:
                stray.append(form)
        else:
            forms[key] = form
    for row in context["results"]:
        row["override_form"] = forms["overrides"].get(row["result"].pk)
    context.update(forms)
    can_review = permission.allowed
    context.update(
        page_url=reverse("office_review", kwargs={"pk": application.pk}),
        any_errors=any(form.errors for form in (bound or {}).values()),
        refused_forms=stray if can_review else [form for form in (bound or {}).values() if form.errors],
        cost_lines=application.cost_lines.select_related("cost_type"),
        attachments=application.attachments.all(),
        partners=application.partner_municipalities.order_by("name"),
        can_review=can_review,
        show_decision_link=application_can_open_decision(user=request.user, application=application).allowed,
    )
    return render(request, "workflows/office_review.html", context)


@login_required
@office_pages
@require_http_methods(["GET", "HEAD", "POST"])
def office_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(
        request, pk, node=ApplicationFlow.review, url_name="office_review", respond=_review_response, step=_review_step
    )


def _review_step(request: HttpRequest, application: Application, task, *, action: str, page_url: str):
    user = request.user
    permission = application_can_review(user=user, application=application, task=task)
    if action.startswith("override-") and action.removeprefix("override-").isdigit():
        result_id = int(action.removeprefix("override-"))
        form = OverrideForm(request.POST, prefix=action)

        def call(data: dict) -> object:
            return services.eligibility_override(
                clerk=user, application_id=application.pk, result_id=result_id, reason=data["reason"]
            )

        done, next_url, bound_key = REVIEW_OVERRIDE_DONE, page_url + "#pruefung", action
    elif action in REVIEW_ACTIONS:
        form_class, prefix, bound_key, service_call, done = REVIEW_ACTIONS[action]
        form = form_class(request.POST, prefix=prefix)

        def call(data: dict) -> object:
            return service_call(user, application, data)

        next_url = reverse("office_queue")
    else:
        messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
        return redirect(page_url)
    response = _run(request, permission=permission, form=form, call=call, done=str(done), next_url=next_url)
    return response if response is not None else (bound_key, form)


# --- decision (approvers) ---------------------------------------------------------------------


def _decision_response(request: HttpRequest, application: Application, task, *, bound: dict | None = None):
    permission = application_can_decide(user=request.user, application=application, task=task)
    context = _common_context(application)
    context.update(_task_context(request, application, task, ApplicationFlow.decision, permission))
    forms = {f"{action}_form": _decision_form(action, application) for action in DECISIONS}
    forms.update(bound or {})
    context.update(forms)
    can_decide = permission.allowed
    context.update(
        page_url=reverse("office_decision", kwargs={"pk": application.pk}),
        any_errors=any(form.errors for form in (bound or {}).values()),
        refused_forms=[] if can_decide else [form for form in (bound or {}).values() if form.errors],
        # Says why the panel shows no buttons (four-eyes); the permission has hidden them.
        is_recommender=application.recommended_by_id == request.user.pk,
        can_decide=can_decide,
        recommended_approval=application.recommendation == Application.Recommendation.APPROVE,
        # The hard limits the approval is checked against, shown before the approver decides.
        remaining_cap=municipality_remaining_cap(
            programme_year=application.programme_year, municipality=application.municipality
        ),
        budget_available=programme_available(programme_year=application.programme_year),
    )
    return render(request, "workflows/office_decision.html", context)


@login_required
@role_required(Role.APPROVER, Role.CONTROLLER, Role.ADMIN, write=(Role.APPROVER,))
@require_http_methods(["GET", "HEAD", "POST"])
def office_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(
        request,
        pk,
        node=ApplicationFlow.decision,
        url_name="office_decision",
        respond=_decision_response,
        step=_decision_step,
    )


def _decision_step(request: HttpRequest, application: Application, task, *, action: str, page_url: str):
    if action not in DECISIONS:
        messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
        return redirect(page_url)
    user = request.user
    _form_class, service_call, done = DECISIONS[action]
    form = _decision_form(action, application, request.POST)
    response = _run(
        request,
        permission=application_can_decide(user=user, application=application, task=task),
        form=form,
        call=lambda data: service_call(user, application, data),
        done=str(done),
        next_url=reverse("office_queue"),
    )
    return response if response is not None else (f"{action}_form", form)


@login_required
@role_required(*OFFICE_READERS, write=(Role.APPROVER,))
@require_http_methods(["GET", "POST"])
def office_early_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The approver allows or refuses a municipality's request to start early."""
    application = _application_or_404(pk)
    allowed = early_start_can_decide(user=request.user, application=application)
    form = EarlyStartDecisionForm(request.POST if request.method == "POST" and allowed else None)
    if request.method == "POST" and not allowed:
        messages.error(request, allowed.reason)
    elif request.method == "POST" and form.is_valid():
        allow = form.cleaned_data["decision"] == "allow"
        try:
            early_start_decide(
                approver=request.user, application_id=application.pk, allow=allow, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form_error_add(form, error)
        else:
            messages.success(
                request,
                _("Dem vorzeitigen Maßnahmebeginn ist zugestimmt; der Bescheid geht an die Kommune.")
                if allow
                else _("Der vorzeitige Maßnahmebeginn ist abgelehnt; die Kommune wird benachrichtigt."),
            )
            return redirect("case_detail", pk=application.pk)
    context = {"application": application, "form": form, "may_decide": allowed.allowed, "reason": allowed.reason}
    return render(request, "workflows/office_early_start.html", context)
