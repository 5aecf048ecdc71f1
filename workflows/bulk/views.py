"""Bulk actions of the programme office: claim several tasks, send several proof-of-use reminders.

Each post runs one bulk service (which calls the one-by-one service per item) and
leads to the result page, which shows from the session what was done and what was
refused, and why. A post repeated with the same form (reload, double click) finds its
result there and does nothing again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from grants.permissions import role_required
from grants.roles import OFFICE_READERS, OFFICE_WORKERS, Role
from workflows.bulk import services
from workflows.bulk.forms import SELECTED, BulkForm, ProofSelectionForm, TaskSelectionForm
from workflows.bulk.results import BulkOutcome, result_load, result_store
from workflows.proofs.permissions import PROOF_OFFICE_READERS

CLAIM = "claim"
REMIND = "remind"
# Per kind: the result page's heading and the page it goes back to, with that link's text.
KINDS = {
    CLAIM: (_("Aufgaben übernehmen: Ergebnis"), "office_queue", _("Zurück zum Arbeitskorb")),
    REMIND: (
        _("Erinnerungen zum Verwendungsnachweis: Ergebnis"),
        "proof_office_list",
        _("Zurück zu den Verwendungsnachweisen"),
    ),
}


def _bulk(
    request: HttpRequest, form: BulkForm, *, kind: str, back: str, run: Callable[[list[int]], BulkOutcome]
) -> HttpResponse:
    token = request.POST.get("token", "")
    if result_load(request.session, token=token) is not None:
        # The same form again: its result exists, nothing runs a second time.
        return redirect("bulk_result", token=token)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect(back)
    outcome = run(form.cleaned_data[SELECTED])
    result_store(request.session, token=form.cleaned_data["token"], kind=kind, outcome=outcome)
    return redirect("bulk_result", token=form.cleaned_data["token"])


@login_required
@role_required(*OFFICE_READERS, write=OFFICE_WORKERS)
@require_http_methods(["GET", "HEAD", "POST"])
def office_queue_claim(request: HttpRequest) -> HttpResponse:
    """Claim the ticked tasks of the queue (clerks their reviews, approvers their decisions)."""
    if request.method != "POST":
        return redirect("office_queue")
    return _bulk(
        request,
        TaskSelectionForm(request.POST),
        kind=CLAIM,
        back="office_queue",
        run=lambda ids: services.tasks_claim_many(user=request.user, task_ids=ids),
    )


@login_required
@role_required(*PROOF_OFFICE_READERS, write=(Role.CLERK,))
@require_http_methods(["GET", "HEAD", "POST"])
def proof_office_remind(request: HttpRequest) -> HttpResponse:
    """Send the due reminder of each ticked proof of use now, instead of waiting for the daily job."""
    if request.method != "POST":
        return redirect("proof_office_list")
    return _bulk(
        request,
        ProofSelectionForm(request.POST),
        kind=REMIND,
        back="proof_office_list",
        run=lambda ids: services.proof_reminders_send_many(clerk=request.user, proof_ids=ids),
    )


@login_required
@role_required(*OFFICE_READERS)
@require_http_methods(["GET", "HEAD"])
def bulk_result(request: HttpRequest, token: str) -> HttpResponse:
    """The result of one bulk action of this session; any other token does not exist here."""
    loaded = result_load(request.session, token=token)
    if loaded is None or loaded[0] not in KINDS:
        raise Http404
    kind, outcome = loaded
    title, back, back_label = KINDS[kind]
    context = {"title": title, "back": back, "back_label": back_label, "outcome": outcome}
    return render(request, "workflows/bulk_result.html", context)
