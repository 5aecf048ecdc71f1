"""Proof of use screens: the municipality submits, the clerk reviews and books refunds.

Views are thin: check the permission, validate the form, call one service and show its
German message. A proof of a municipality the user does not act for is answered with
404, as if it did not exist; the office pages are for clerks only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgets.models import RefundClaim
from budgets.selectors import application_paid_total
from grants.models import Application, ProofOfUse
from grants.permissions import can_act_for, role_required
from grants.roles import Role
from workflows.bulk.forms import SELECTED, token_new
from workflows.common.errors import WorkflowError, form_error_add
from workflows.common.permissions import DENIED
from workflows.common.warnings import base_rate_warning
from workflows.proofs import refunds, selectors, services
from workflows.proofs.forms import (
    EXPENSE_PREFIX,
    AcceptForm,
    BookRefundForm,
    ExpenseFormSet,
    ProofForm,
    RefundClaimForm,
    ReturnForm,
)
from workflows.proofs.permissions import (
    PROOF_OFFICE_READERS,
    proof_can_decide,
    proof_can_edit,
    proof_can_remind,
    proof_can_start_review,
    refund_can_book,
    refund_can_compute_interest,
)

PS = ProofOfUse.Status
STATUS_BADGES = {
    PS.DUE: "info",
    PS.SUBMITTED: "info",
    PS.IN_REVIEW: "info",
    PS.RETURNED: "warning",
    PS.ACCEPTED: "success",
    PS.REFUND_CLAIMED: "warning",
    PS.REFUNDED: "success",
}


# --- the municipality ---------------------------------------------------------------------


def _own_application_or_404(user, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("municipality", "programme_year"), pk=pk)
    allowed, _reason = can_act_for(user=user, municipality=application.municipality)
    if not allowed:
        raise Http404
    return application


def _applicant_page(request: HttpRequest, application: Application, *, form=None, formset=None):
    proof = ProofOfUse.objects.filter(application=application).select_related("refund_claim").first()
    if proof is None and application.status not in selectors.WITH_PROOF:
        raise Http404
    # Not yet opened: the municipality may start it once the grant is there.
    editable = application.status in selectors.WITH_PROOF and (
        proof is None or proof_can_edit(user=request.user, proof=proof).allowed
    )
    if editable and form is None:
        form = ProofForm(
            initial={"report": proof.report if proof else "", "revision": proof.revision if proof else None}
        )
        formset = ExpenseFormSet(initial=ExpenseFormSet.initial_for(proof), prefix=EXPENSE_PREFIX)
    claim = getattr(proof, "refund_claim", None) if proof else None
    context = {
        "application": application,
        "proof": proof,
        "due_date": selectors.proof_due_date_for(application=application),
        "paid": application_paid_total(application=application),
        "editable": editable,
        "form": form,
        "formset": formset,
        "expenses": [{"line": line} for line in proof.expenses.select_related("cost_type")] if proof else [],
        "claim": claim,
        "interest_preview": selectors.refund_claim_interest_preview(claim=claim) if claim else None,
        "status_variant": STATUS_BADGES.get(proof.status, "info") if proof else "info",
        "overdue": proof.is_overdue() if proof else False,
        "return_note": proof.review_note if proof and proof.status == PS.RETURNED else "",
    }
    return render(request, "workflows/proof_applicant.html", context)


@login_required
@role_required(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def proof_applicant(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application_or_404(request.user, pk)
    if request.method != "POST":
        return _applicant_page(request, application)
    form = ProofForm(request.POST)
    formset = ExpenseFormSet(request.POST, prefix=EXPENSE_PREFIX)
    if not (form.is_valid() and formset.is_valid()):
        return _applicant_page(request, application, form=form, formset=formset)
    submit = "submit" in request.POST
    call = services.proof_submit if submit else services.proof_save
    try:
        call(
            user=request.user,
            application_id=application.pk,
            report=form.cleaned_data["report"],
            expenses=formset.expenses(),
            revision=form.cleaned_data["revision"],
        )
    except WorkflowError as error:
        if error.code in ("wrong_state", "application_state", "forbidden", "not_found"):
            messages.error(request, error.message)
            return redirect("proof_applicant", pk=application.pk)
        form_error_add(form, error)
        return _applicant_page(request, application, form=form, formset=formset)
    if submit:
        messages.success(
            request, _("Ihr Verwendungsnachweis wurde eingereicht. Sie erhalten eine Eingangsbestätigung per E-Mail.")
        )
    else:
        messages.success(request, _("Der Entwurf des Verwendungsnachweises wurde gespeichert."))
    return redirect("proof_applicant", pk=application.pk)


# --- the programme office -------------------------------------------------------------------


# Clerks review; controllers and administrators read.
proof_pages = role_required(*PROOF_OFFICE_READERS, write=(Role.CLERK,))


@login_required
@proof_pages
@require_http_methods(["GET", "HEAD"])
def proof_office_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user

    def row(proof: ProofOfUse, days: int) -> dict:
        # A checkbox only where the reminder is due now (never for readers).
        return {"proof": proof, "days": days, "may_remind": proof_can_remind(user=user, proof=proof, today=today)}

    overdue = [row(proof, (today - proof.due_date).days) for proof in selectors.proofs_overdue(today=today)]
    due_soon = [row(proof, (proof.due_date - today).days) for proof in selectors.proofs_due_soon(today=today)]
    claims = [{"claim": claim, "overdue": claim.due_on < today} for claim in selectors.refund_claims_open()]
    context = {
        "to_review": selectors.proofs_to_review(),
        "overdue": overdue,
        "due_soon": due_soon,
        "due_soon_days": selectors.DUE_SOON_DAYS,
        "any_remindable": any(entry["may_remind"] for entry in overdue + due_soon),
        "bulk_token": token_new(),
        "selected_name": SELECTED,
        "claims": claims,
        "interest_pending": selectors.refund_claims_interest_pending(),
        **base_rate_warning(request.user),
    }
    return render(request, "workflows/proof_office_list.html", context)


def _office_proof_or_404(pk: int) -> ProofOfUse:
    return get_object_or_404(
        ProofOfUse.objects.select_related(
            "application__municipality", "application__programme_year", "reviewer", "submitted_by", "decided_by"
        ),
        pk=pk,
    )


def _office_page(request: HttpRequest, proof: ProofOfUse, *, bound: dict | None = None):
    figures = selectors.proof_figures(proof=proof)
    claim = RefundClaim.objects.filter(proof=proof).first()
    eligible = set(proof.application.programme_year.eligible_cost_types.values_list("pk", flat=True))
    date_problems = selectors.proof_expense_date_problems(proof=proof)
    forms = {
        "return_form": ReturnForm(prefix="return"),
        "accept_form": AcceptForm(prefix="accept", initial={"recognised_amount": figures.eligible_total}),
        "claim_form": RefundClaimForm(
            prefix="claim",
            initial={
                "recognised_amount": figures.eligible_total,
                "amount": figures.refund_suggested or None,
                "arises_on": timezone.localdate(),
            },
        ),
        "book_form": BookRefundForm(prefix="book"),
    }
    forms.update(bound or {})
    user = request.user
    can_decide = proof_can_decide(user=user, proof=proof)
    can_book = refund_can_book(user=user, claim=claim) if claim is not None else DENIED
    # Forms shown on the page in this state; an action refused while its form is no
    # longer shown (replayed, or the state changed meanwhile) shows its error on top.
    shown = {"book_form"} if can_book else set()
    if can_decide:
        shown |= {"return_form", "accept_form", "claim_form"}
    context = {
        "can_start_review": proof_can_start_review(user=user, proof=proof),
        "can_decide": can_decide,
        "can_book": can_book,
        "can_compute_interest": (refund_can_compute_interest(user=user, claim=claim) if claim is not None else DENIED),
        "proof": proof,
        "application": proof.application,
        "figures": figures,
        "claim": claim,
        "interest_preview": (
            selectors.refund_claim_interest_preview(claim=claim, today=timezone.localdate()) if claim else None
        ),
        "expenses": [
            {"line": line, "eligible": line.cost_type_id in eligible, "date_problem": date_problems.get(line.pk, "")}
            for line in proof.expenses.select_related("cost_type")
        ],
        "date_warnings": selectors.proof_date_warnings(proof=proof),
        "status_variant": STATUS_BADGES.get(proof.status, "info"),
        "page_url": reverse("proof_office_review", kwargs={"pk": proof.pk}),
        "any_errors": any(form.errors for form in (bound or {}).values()),
        "refused_forms": [form for key, form in (bound or {}).items() if form.errors and key not in shown],
        **forms,
    }
    return render(request, "workflows/proof_office_review.html", context)


@login_required
@proof_pages
@require_http_methods(["GET", "HEAD", "POST"])
def proof_office_review(request: HttpRequest, pk: int) -> HttpResponse:
    proof = _office_proof_or_404(pk)
    if request.method != "POST":
        return _office_page(request, proof)
    page_url = reverse("proof_office_review", kwargs={"pk": proof.pk})
    action = request.POST.get("action", "")
    user = request.user
    claim = RefundClaim.objects.filter(proof=proof).first()
    form, key = None, ""
    try:
        if action == "start_review":
            services.proof_start_review(clerk=user, proof_id=proof.pk)
            done = _("Sie prüfen jetzt den Verwendungsnachweis.")
        elif action == "return":
            form, key = ReturnForm(request.POST, prefix="return"), "return_form"
            if form.is_valid():
                services.proof_return(clerk=user, proof_id=proof.pk, message=form.cleaned_data["message"])
                done = _("Der Verwendungsnachweis ist zur Überarbeitung an die Kommune zurückgegangen.")
        elif action == "accept":
            form, key = AcceptForm(request.POST, prefix="accept"), "accept_form"
            if form.is_valid():
                services.proof_accept(
                    clerk=user,
                    proof_id=proof.pk,
                    recognised_amount=form.cleaned_data["recognised_amount"],
                    note=form.cleaned_data["note"],
                )
                done = _("Der Verwendungsnachweis ist anerkannt; der Antrag ist abgeschlossen.")
        elif action == "claim":
            form, key = RefundClaimForm(request.POST, prefix="claim"), "claim_form"
            if form.is_valid():
                data = form.cleaned_data
                created = services.proof_claim_refund(
                    clerk=user,
                    proof_id=proof.pk,
                    amount=data["amount"],
                    reason=data["reason"],
                    recognised_amount=data["recognised_amount"],
                    arises_on=data["arises_on"],
                    due_on=data["due_on"],
                )
                done = _("Die Rückforderung %(number)s ist angelegt; die Kommune wird benachrichtigt.") % {
                    "number": created.number
                }
        elif action == "book" and claim is not None:
            form, key = BookRefundForm(request.POST, prefix="book"), "book_form"
            if form.is_valid():
                booked = refunds.refund_book_received(
                    user=user, claim_id=claim.pk, paid_on=form.cleaned_data["paid_on"]
                )
                done = _("Der Zahlungseingang ist gebucht.")
                if booked.interest_pending:
                    messages.warning(
                        request,
                        _(
                            "Die Zinsen sind noch offen, weil der Basiszinssatz für einen Teil des Zeitraums nicht "
                            "hinterlegt ist. Berechnen Sie sie, sobald die Administration ihn eingetragen hat."
                        ),
                    )
        elif action == "interest" and claim is not None:
            refunds.refund_interest_compute(user=user, claim_id=claim.pk)
            done = _("Die Zinsen sind berechnet.")
        else:
            messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
            return redirect(page_url)
    except WorkflowError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect(page_url)
        form_error_add(form, error)
    if form is not None and form.errors:
        return _office_page(request, _office_proof_or_404(pk), bound={key: form})
    messages.success(request, done)
    return redirect(page_url)
