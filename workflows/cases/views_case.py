"""The case page (Akte): everything about one application for every office role.

Thin like the other office views: the file comes from one selector
(``selectors_case.case_file``), every action offered is asked of its process's
permission function (the template never looks at a status), and the one thing
posted here, an internal note, goes through ``notes.case_note_add``. Controllers read
the page and post nothing (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from grants.eligibility import RULE_LABELS
from grants.models import Application, ProofOfUse
from grants.permissions import role_required
from grants.roles import OFFICE_READERS
from workflows.applications.flows import ApplicationFlow, user_label
from workflows.applications.forms_office import TaskForm
from workflows.applications.permissions import (
    application_can_claim,
    application_can_decide,
    application_can_review,
    early_start_can_decide,
)
from workflows.applications.views_office import OUTCOME_VARIANTS, _priority
from workflows.cases.forms_notes import CaseNoteForm
from workflows.cases.notes import case_note_add
from workflows.cases.permissions_case import NOTE_WRITERS, case_can_note
from workflows.cases.selectors import case_url
from workflows.cases.selectors_case import CaseFile, case_file, office_colleagues
from workflows.common.errors import WorkflowError
from workflows.common.labels import ACTION_LABELS, STATUS_VARIANTS, UNKNOWN_ACTION
from workflows.payouts.permissions import payout_can_check, payout_can_release
from workflows.payouts.views import PAYOUT_VARIANTS
from workflows.proofs.permissions import (
    proof_can_decide,
    proof_can_open_office,
    proof_can_start_review,
    refund_can_book,
)
from workflows.proofs.views import STATUS_BADGES

S = Application.Status
# What each logged e-mail was about; a kind not listed here is shown as it is stored.
EMAIL_KINDS = {
    "submitted": gettext_lazy("Eingangsbestätigung"),
    "info_requested": gettext_lazy("Rückfrage an die Kommune"),
    "approved": gettext_lazy("Bewilligung"),
    "rejected": gettext_lazy("Ablehnung"),
    "early_start_allowed": gettext_lazy("Zustimmung zum vorzeitigen Maßnahmebeginn"),
    "early_start_refused": gettext_lazy("Vorzeitiger Maßnahmebeginn nicht zugelassen"),
    "lapsed": gettext_lazy("Verfall nicht abgerufener Mittel"),
    "proof_due_soon": gettext_lazy("Erinnerung an den Verwendungsnachweis"),
    "proof_overdue": gettext_lazy("Mahnung des Verwendungsnachweises"),
    "proof_submitted": gettext_lazy("Eingang des Verwendungsnachweises"),
    "proof_returned": gettext_lazy("Rückfrage zum Verwendungsnachweis"),
    "proof_accepted": gettext_lazy("Anerkennung des Verwendungsnachweises"),
    "proof_refund_claimed": gettext_lazy("Rückforderung"),
    "proof_refunded": gettext_lazy("Eingang der Rückzahlung"),
    "payout_requested": gettext_lazy("Eingang des Mittelabrufs"),
    "payout_documents_requested": gettext_lazy("Nachforderung von Unterlagen zum Mittelabruf"),
    "payout_released": gettext_lazy("Freigabe des Mittelabrufs"),
    "payout_paid": gettext_lazy("Auszahlung"),
    "payout_rejected": gettext_lazy("Ablehnung des Mittelabrufs"),
    "payout_withdrawn": gettext_lazy("Rücknahme des Mittelabrufs"),
    "case_note_mention": gettext_lazy("Erwähnung in einem Vermerk"),
    # To the office's own staff (workflows.common.staff_notifications).
    "staff_review_task": gettext_lazy("Geschäftsstelle: neuer Antrag zur Prüfung"),
    "staff_answer_received": gettext_lazy("Geschäftsstelle: Antwort der Kommune"),
    "staff_review_returned": gettext_lazy("Geschäftsstelle: zur erneuten Prüfung zurück"),
    "staff_decision_waiting": gettext_lazy("Geschäftsstelle: Entscheidung erbeten"),
    "staff_payout_check": gettext_lazy("Geschäftsstelle: Mittelabruf zur Prüfung"),
    "staff_payout_answer": gettext_lazy("Geschäftsstelle: Unterlagen nachgereicht"),
    "staff_payout_release": gettext_lazy("Geschäftsstelle: Mittelabruf zur Freigabe"),
    "staff_proof_review": gettext_lazy("Geschäftsstelle: Verwendungsnachweis zur Prüfung"),
}

# The field a refusal of ``case_note_add`` is about, to show it there.
NOTE_ERROR_FIELDS = {
    "reason_missing": "text",
    "too_long": "text",
    "control_characters": "text",
    "not_office": "mentioned",
}

case_pages = role_required(*OFFICE_READERS, write=NOTE_WRITERS)


def _case_or_404(pk: int) -> CaseFile:
    try:
        return case_file(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


# --- presentation (no rules) -----------------------------------------------------------------


def _label(value: str, choices) -> str:
    return choices(value).label if value in choices.values else value


def _history(case: CaseFile) -> list[dict]:
    return [
        {
            "record": record,
            "label": ACTION_LABELS.get(record.action, UNKNOWN_ACTION),
            "actor": user_label(record.actor) or _("System"),
            "from_label": _label(record.from_state, S),
            "to_label": _label(record.to_state, S),
        }
        for record in case.history
    ]


def _results(case: CaseFile) -> list[dict]:
    return [
        {
            "result": result,
            "label": RULE_LABELS.get(result.rule, result.rule),
            "variant": OUTCOME_VARIANTS.get(result.outcome, "info"),
        }
        for result in case.results
    ]


# --- the actions, each from its permission function ------------------------------------------


def _task_actions(user, case: CaseFile) -> dict:
    """The application's open task: who holds it, and what this user may do with it here."""
    application, task = case.application, case.task
    node = task.flow_task.name if task is not None else ""
    review_task = task if node == ApplicationFlow.review.name else None
    decision_task = task if node == ApplicationFlow.decision.name else None
    task_page = (
        reverse("office_decision", kwargs={"pk": application.pk})
        if decision_task is not None
        else reverse("office_review", kwargs={"pk": application.pk})
    )
    can_claim = application_can_claim(user=user, application=application, task=task)
    return {
        "task": task,
        "task_owner": user_label(task.owner) if task is not None and task.owner_id else "",
        "claim_url": task_page if can_claim else "",
        "task_form": TaskForm(initial={"task": task.pk}) if can_claim else None,
        "can_review": application_can_review(user=user, application=application, task=review_task),
        # "Entscheiden" for the approver who holds the decision (never the recommender).
        "can_decide": application_can_decide(user=user, application=application, task=decision_task),
        "can_decide_early_start": early_start_can_decide(user=user, application=application),
    }


def _payout_rows(user, case: CaseFile) -> list[dict]:
    rows = []
    for payout in case.payouts:
        if payout_can_check(user=user, payout=payout):
            action = _("Prüfen")
        elif payout_can_release(user=user, payout=payout):
            action = _("Freigeben")
        else:
            action = ""
        rows.append(
            {
                "payout": payout,
                "variant": PAYOUT_VARIANTS.get(payout.status, "info"),
                "action": action,
                "files": list(payout.files.all()),
            }
        )
    return rows


def _proof_context(user, case: CaseFile) -> dict:
    proof: ProofOfUse | None = case.proof
    opens = bool(proof_can_open_office(user=user))
    action = ""
    if proof is not None and opens:
        if proof_can_start_review(user=user, proof=proof):
            action = _("Prüfung beginnen")
        elif proof_can_decide(user=user, proof=proof):
            action = _("Prüfen")
    claims = [
        {
            "claim": claim,
            "book": opens and bool(refund_can_book(user=user, claim=claim)),
        }
        for claim in case.refund_claims
    ]
    return {
        "proof": proof,
        "proof_variant": STATUS_BADGES.get(proof.status, "info") if proof is not None else "info",
        "proof_page_opens": opens,
        "proof_action": action,
        "refund_rows": claims,
    }


def _email_rows(case: CaseFile) -> list[dict]:
    return [{"email": email, "kind": EMAIL_KINDS.get(email.kind, email.kind)} for email in case.emails]


def _render(request: HttpRequest, case: CaseFile, *, note_form: CaseNoteForm | None = None) -> HttpResponse:
    user = request.user
    application = case.application
    can_note = case_can_note(user=user)
    if can_note and note_form is None:
        note_form = CaseNoteForm(colleagues=office_colleagues(exclude=user))
    context = {
        "application": application,
        "priority": _priority(application),
        "status_variant": STATUS_VARIANTS.get(application.status, "info"),
        "results": _results(case),
        "can_review": False,  # the eligibility table without its override forms: those are the review page's
        "history": _history(case),
        "notices": case.notices,
        "payout_rows": _payout_rows(user, case),
        "email_rows": _email_rows(case),
        "attachments": case.attachments,
        "cost_lines": case.cost_lines,
        "partners": case.partners,
        "notes": case.notes,
        "can_note": can_note,
        "note_form": note_form if can_note else None,
        "page_url": case_url(application.pk),
        "any_errors": bool(note_form is not None and note_form.errors),
        **_task_actions(user, case),
        **_proof_context(user, case),
    }
    return render(request, "workflows/case_detail.html", context)


@login_required
@case_pages
@require_http_methods(["GET", "HEAD", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(pk)
    if request.method != "POST":
        return _render(request, case)
    user = request.user
    form = CaseNoteForm(request.POST, colleagues=office_colleagues(exclude=user))
    permission = case_can_note(user=user)
    if not permission:
        form.add_error(None, permission.reason)
    elif form.is_valid():
        try:
            case_note_add(
                author=user,
                application_id=case.application.pk,
                text=form.cleaned_data["text"],
                mentioned_ids=[colleague.pk for colleague in form.cleaned_data["mentioned"]],
            )
        except WorkflowError as error:
            form.add_error(NOTE_ERROR_FIELDS.get(error.code), error.message)
        else:
            messages.success(request, _("Der Vermerk ist in der Akte."))
            return redirect(case_url(case.application.pk) + "#vermerke")
    return _render(request, case, note_form=form)
