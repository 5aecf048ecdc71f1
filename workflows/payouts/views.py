"""Payout (Mittelabruf), SEPA and budget screens.

The municipality requests money for paid invoices, adds documents, answers a
documents request or withdraws. The clerks check the requests in the "Auszahlungen"
queue; approvers release them (never the person who checked: the button is replaced
by a notice, and the service refuses anyway), bundle released payouts into a SEPA
file, hand it to the bank and book it as paid. The budget page shows the ledger sums
of a programme year; clerks and approvers lapse commitments nobody called.

Each view checks the role (403) and, for the municipality, that the user acts for it
(404 for a foreign municipality's payout, as if it did not exist), calls one service
and shows its German message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from budgets.models import InvoiceFile, Payout
from budgets.selectors import (
    application_payout_remaining,
    payout_date_warnings,
    payout_warnings,
    payouts_ready_summary,
)
from core.money import format_eur
from grants.models import Application
from grants.permissions import can_act_for, role_required
from grants.roles import OFFICE_READERS, OFFICE_WORKERS, Role, user_roles
from workflows.common.errors import WorkflowError, form_error_add
from workflows.common.labels import ACTION_LABELS, APPLICANT_COMMENTS, UNKNOWN_ACTION
from workflows.models import AuditRecord
from workflows.payouts import services as payouts
from workflows.payouts.forms import (
    INVOICE_FIELDS,
    INVOICE_PREFIX,
    INVOICE_ROWS,
    InvoiceFormSet,
    PayoutAnswerForm,
    PayoutCheckForm,
    PayoutDocumentsForm,
    PayoutFilesForm,
    PayoutRejectForm,
    PayoutRequestForm,
    PayoutSendBackForm,
    PayoutWithdrawForm,
)
from workflows.payouts.permissions import (
    payout_can_add_file,
    payout_can_check,
    payout_can_reject,
    payout_can_release,
    payout_can_request_documents,
    payout_can_resubmit,
    payout_can_send_back,
    payout_can_withdraw,
)

S = Application.Status
P = Payout.Status
PAGE_SIZE = 25
OFFICE_ROLES = set(OFFICE_READERS)

PAYOUT_VARIANTS = {
    P.REQUESTED: "info",
    P.DOCUMENTS_REQUESTED: "warning",
    P.CHECKED: "info",
    P.RELEASED: "success",
    P.EXPORTED: "success",
    P.PAID: "success",
    P.REJECTED: "danger",
    P.WITHDRAWN: "danger",
}


# The office's answers on a payout that come with a form: form, its prefix, its key among
# the page's forms, the service it calls, the message (with the payout's number).
OFFICE_ACTIONS = {
    "check": (
        PayoutCheckForm,
        "pruefung",
        "check_form",
        lambda clerk, payout, data: payouts.payout_check(
            clerk=clerk, payout_id=payout.pk, amount=data["amount"], note=data["note"]
        ),
        gettext_lazy("Der Mittelabruf %(number)s ist geprüft und liegt zur Freigabe vor."),
    ),
    "request_documents": (
        PayoutDocumentsForm,
        "unterlagen",
        "documents_form",
        lambda clerk, payout, data: payouts.payout_request_documents(
            clerk=clerk, payout_id=payout.pk, message=data["message"]
        ),
        gettext_lazy("Die Unterlagen sind bei der Kommune nachgefordert."),
    ),
    "reject": (
        PayoutRejectForm,
        "ablehnung",
        "reject_form",
        lambda clerk, payout, data: payouts.payout_reject(clerk=clerk, payout_id=payout.pk, reason=data["reason"]),
        gettext_lazy("Der Mittelabruf %(number)s ist abgelehnt."),
    ),
    "send_back": (
        PayoutSendBackForm,
        "rueckgabe",
        "send_back_form",
        lambda approver, payout, data: payouts.payout_send_back(
            approver=approver, payout_id=payout.pk, reason=data["reason"]
        ),
        gettext_lazy("Der Mittelabruf ist zur erneuten Prüfung an die Sachbearbeitung zurückgegangen."),
    ),
}


# --- helpers ----------------------------------------------------------------------------------


def _application_or_404(user, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("municipality", "programme_year"), pk=pk)
    allowed, _reason = can_act_for(user=user, municipality=application.municipality)
    if not allowed:
        raise Http404
    return application


def _applicant_payout_or_404(user, pk: int, payout_pk: int) -> Payout:
    application = _application_or_404(user, pk)
    payout = get_object_or_404(Payout, pk=payout_pk, application=application)
    payout.application = application
    return payout


def _office_payout_or_404(pk: int) -> Payout:
    return get_object_or_404(
        Payout.objects.select_related(
            "application__municipality__land",
            "application__programme_year",
            "requested_by",
            "checked_by",
            "released_by",
        ),
        pk=pk,
    )


def _application_url(application: Application) -> str:
    return reverse("applicant_application_detail", kwargs={"pk": application.pk})


def _applicant_payout_url(payout: Payout) -> str:
    return reverse("applicant_payout_detail", kwargs={"pk": payout.application_id, "payout_pk": payout.pk})


def _office_payout_url(payout: Payout) -> str:
    return reverse("payout_office_detail", kwargs={"pk": payout.pk})


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _records(payout: Payout) -> list[AuditRecord]:
    return list(payout.audit_records.select_related("actor").order_by("at", "pk"))


def _comment_body(record: AuditRecord) -> str:
    """The comment without its "Mittelabruf <number>: <status>" head."""
    _head, _dot, body = record.comment.partition(". ")
    return body


def _office_history(payout: Payout) -> list[dict]:
    return [
        {
            "at": record.at,
            "label": ACTION_LABELS.get(record.action, UNKNOWN_ACTION),
            "who": _user_label(record.actor) or _("System"),
            "comment": record.comment,
        }
        for record in _records(payout)
    ]


def _applicant_history(payout: Payout) -> list[dict]:
    rows = []
    for record in _records(payout):
        own = record.actor_id is not None and record.actor_id == payout.requested_by_id
        rows.append(
            {
                "at": record.at,
                "label": ACTION_LABELS.get(record.action, UNKNOWN_ACTION),
                "who": _user_label(record.actor) if own else _("Geschäftsstelle"),
                "comment": _comment_body(record) if record.action in APPLICANT_COMMENTS else "",
            }
        )
    return rows


def _documents_request(payout: Payout) -> AuditRecord | None:
    records = [record for record in _records(payout) if record.action == "budgets.payout.documents_requested"]
    return records[-1] if records else None


def page_of(request: HttpRequest, queryset, param: str):
    """One page of ``queryset``; ``param`` names the page in the query string (two lists on a page)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


# --- the municipality: request ------------------------------------------------------------------


def _address_initial(application: Application) -> dict:
    """The address of the municipality's last request, else its postcode: typed once, offered again."""
    last = Payout.objects.filter(application__municipality=application.municipality).order_by("-requested_at").first()
    if last is None:
        return {"postcode": application.municipality.postcode, "country": "DE"}
    return {
        "street": last.street,
        "building_number": last.building_number,
        "postcode": last.postcode,
        "town": last.town,
        "country": last.country,
    }


def _invoice_formset(application: Application, *, data=None, initial=None, extra: int | None = None):
    kwargs = {
        "prefix": INVOICE_PREFIX,
        "form_kwargs": {"cost_types": application.programme_year.eligible_cost_types.all()},
    }
    formset = InvoiceFormSet(data, **kwargs) if data is not None else InvoiceFormSet(initial=initial, **kwargs)
    if extra is not None:
        formset.extra = extra
    return formset


def _typed_rows(data) -> list[dict]:
    """The invoice rows as typed, to show them again in more rows (no validation messages yet)."""
    try:
        total = min(int(data.get(f"{INVOICE_PREFIX}-TOTAL_FORMS", 0)), InvoiceFormSet.absolute_max)
    except (TypeError, ValueError):
        total = 0
    rows = []
    for index in range(total):
        row = {name: data.get(f"{INVOICE_PREFIX}-{index}-{name}", "") for name in INVOICE_FIELDS}
        if any(str(value).strip() for value in row.values()):
            rows.append(row)
    return rows


def _render_request(
    request: HttpRequest, application: Application, *, form, formset, status: int = 200, files_again=False
):
    context = {
        "application": application,
        "form": form,
        "formset": formset,
        "remaining": application_payout_remaining(application=application),
        "programme_year": application.programme_year,
        "files_again": files_again,
        "any_errors": bool(form.errors) or formset.has_line_errors,
    }
    return render(request, "workflows/payout_request_form.html", context, status=status)


@login_required
@role_required(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def applicant_payout_new(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if application.status != S.APPROVED:
        messages.info(
            request,
            _("Mittel können nur für einen bewilligten Antrag abgerufen werden; der Antrag ist »%(status)s«.")
            % {"status": application.get_status_display()},
        )
        return redirect(_application_url(application))
    if request.method != "POST":
        form = PayoutRequestForm(initial=_address_initial(application))
        return _render_request(request, application, form=form, formset=_invoice_formset(application))

    if "more_rows" in request.POST:
        # More invoice rows, nothing sent yet: the typed values come back unvalidated.
        rows = _typed_rows(request.POST)
        form = PayoutRequestForm(initial={name: request.POST.get(name, "") for name in PayoutRequestForm.base_fields})
        formset = _invoice_formset(application, initial=rows, extra=INVOICE_ROWS)
        return _render_request(request, application, form=form, formset=formset, files_again=True)

    form = PayoutRequestForm(request.POST, request.FILES)
    formset = _invoice_formset(application, data=request.POST)
    form_ok, lines_ok = form.is_valid(), formset.is_valid()
    if not formset.management_form.is_valid():
        form.add_error(None, _("Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."))
        formset = _invoice_formset(application)
    elif form_ok and lines_ok:
        try:
            payout = payouts.payout_request(
                user=request.user,
                application_id=application.pk,
                invoices=formset.invoices(),
                address=form.address(),
                files=form.cleaned_data["files"],
                amount=form.cleaned_data["amount"],
            )
        except WorkflowError as error:
            if error.code in ("forbidden", "not_found", "application_state"):
                messages.error(request, error.message)
                return redirect(_application_url(application))
            if error.code in ("file_type", "file_empty", "file_too_large", "too_many_files", "no_files"):
                form.add_error("files", error.message)
            else:
                form_error_add(form, error)
        else:
            messages.success(
                request,
                _(
                    "Ihr Mittelabruf %(number)s über %(amount)s ist eingegangen. Die Geschäftsstelle prüft ihn; "
                    "den Stand sehen Sie hier."
                )
                % {"number": payout.number, "amount": format_eur(payout.requested_amount)},
            )
            return redirect(_applicant_payout_url(payout))
    form.ask_for_files_again()
    return _render_request(request, application, form=form, formset=formset)


# --- the municipality: one payout ------------------------------------------------------------------


def _render_applicant_payout(request: HttpRequest, payout: Payout, *, files_form=None, answer_form=None):
    can_resubmit = payout_can_resubmit(user=request.user, payout=payout)
    documents_request = _documents_request(payout) if can_resubmit else None
    context = {
        "application": payout.application,
        "payout": payout,
        "invoices": payout.invoices.select_related("cost_type"),
        "files": payout.files.all(),
        "history": _applicant_history(payout),
        "status_variant": PAYOUT_VARIANTS.get(payout.status, "info"),
        "documents_request": documents_request,
        "documents_request_text": _comment_body(documents_request) if documents_request else "",
        "can_resubmit": can_resubmit,
        "can_add_files": payout_can_add_file(user=request.user, payout=payout),
        "can_withdraw": payout_can_withdraw(user=request.user, payout=payout),
        "files_form": files_form or PayoutFilesForm(prefix="belege"),
        "answer_form": answer_form or PayoutAnswerForm(prefix="antwort"),
        "any_errors": bool((files_form and files_form.errors) or (answer_form and answer_form.errors)),
    }
    return render(request, "workflows/payout_applicant_detail.html", context)


def _add_files(request: HttpRequest, payout: Payout, form) -> bool:
    """Store each chosen file through the service; on the first refusal say which were stored."""
    stored = []
    for upload in form.cleaned_data["files"]:
        try:
            invoice_file = payouts.payout_add_file(user=request.user, payout_id=payout.pk, upload=upload)
        except WorkflowError as error:
            if stored:
                form.add_error(
                    None,
                    _("Gespeichert wurden: %(names)s. Die übrigen Dateien nicht.") % {"names": ", ".join(stored)},
                )
            form.add_error("files", error.message)
            return False
        stored.append(invoice_file.original_name)
    return True


@login_required
@role_required(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def applicant_payout_detail(request: HttpRequest, pk: int, payout_pk: int) -> HttpResponse:
    payout = _applicant_payout_or_404(request.user, pk, payout_pk)
    if request.method != "POST":
        return _render_applicant_payout(request, payout)

    action = request.POST.get("action", "")
    if action == "files":
        form = PayoutFilesForm(request.POST, request.FILES, prefix="belege")
        if form.is_valid() and _add_files(request, payout, form):
            messages.success(request, _("Die Belege wurden hinzugefügt."))
            return redirect(_applicant_payout_url(payout))
        if request.FILES:
            form.add_error("files", _("Bitte wählen Sie die Dateien erneut aus."))
        return _render_applicant_payout(request, payout, files_form=form)
    if action == "answer":
        form = PayoutAnswerForm(request.POST, request.FILES, prefix="antwort")
        if form.is_valid() and _add_files(request, payout, form):
            try:
                payouts.payout_resubmit(user=request.user, payout_id=payout.pk, answer=form.cleaned_data["answer"])
            except WorkflowError as error:
                form_error_add(form, error)
            else:
                messages.success(request, _("Ihre Antwort wurde übermittelt. Die Geschäftsstelle prüft erneut."))
                return redirect(_applicant_payout_url(payout))
        if request.FILES:
            form.add_error("files", _("Bitte wählen Sie die Dateien erneut aus."))
        payout.refresh_from_db()
        return _render_applicant_payout(request, payout, answer_form=form)
    messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
    return redirect(_applicant_payout_url(payout))


@login_required
@role_required(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
def applicant_payout_withdraw(request: HttpRequest, pk: int, payout_pk: int) -> HttpResponse:
    payout = _applicant_payout_or_404(request.user, pk, payout_pk)
    if not payout_can_withdraw(user=request.user, payout=payout) and request.method != "POST":
        messages.info(
            request,
            _("Der Mittelabruf ist im Status »%(status)s« und kann nicht mehr zurückgezogen werden.")
            % {"status": payout.get_status_display()},
        )
        return redirect(_applicant_payout_url(payout))
    form = PayoutWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            payouts.payout_withdraw(user=request.user, payout_id=payout.pk, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_applicant_payout_url(payout))
        messages.success(request, _("Der Mittelabruf wurde zurückgezogen."))
        return redirect(_application_url(payout.application))
    return render(request, "workflows/payout_withdraw.html", {"payout": payout, "form": form})


@login_required
@role_required(Role.APPLICANT, *OFFICE_ROLES)
@require_http_methods(["GET", "HEAD"])
def invoice_file_download(request: HttpRequest, payout_pk: int, file_pk: int) -> HttpResponse:
    """Clerks and approvers, and applicants of the municipality, may download; for others it does not exist."""
    payout = get_object_or_404(Payout.objects.select_related("application__municipality"), pk=payout_pk)
    if not user_roles(request.user) & OFFICE_ROLES:
        allowed, _reason = can_act_for(user=request.user, municipality=payout.application.municipality)
        if not allowed:
            raise Http404
    invoice_file = get_object_or_404(InvoiceFile, pk=file_pk, payout=payout)
    try:
        handle = invoice_file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=invoice_file.original_name, content_type=invoice_file.content_type
    )


# --- the programme office: queue and check -------------------------------------------------------


@login_required
@role_required(*OFFICE_ROLES)
@require_http_methods(["GET", "HEAD"])
def payout_queue(request: HttpRequest) -> HttpResponse:
    roles = user_roles(request.user)
    related = ("application__municipality", "application__programme_year", "checked_by")
    # Controllers and administrators read both lists; clerks and approvers see their own.
    reader = not roles & set(OFFICE_WORKERS)
    context = {"is_clerk": Role.CLERK in roles or reader, "is_approver": Role.APPROVER in roles or reader}
    if context["is_clerk"]:
        to_check = page_of(
            request,
            Payout.objects.filter(status__in=Payout.WITH_APPLICANT)
            .select_related(*related)
            .prefetch_related("files")
            .order_by("requested_at", "pk"),
            "seite",
        )
        # The warnings (invoices before the measure could start, no documents, a bad IBAN) of each row shown.
        context["to_check"] = to_check
        context["check_rows"] = [
            {"payout": payout, "warnings": payout_warnings(payout=payout), "url": _office_payout_url(payout)}
            for payout in to_check.object_list
        ]
    if context["is_approver"]:
        to_release = page_of(
            request,
            Payout.objects.filter(status=P.CHECKED).select_related(*related).order_by("checked_at", "pk"),
            "seite_freigabe",
        )
        context["to_release"] = to_release
        context["release_rows"] = [
            {
                "payout": payout,
                "own_check": payout_can_release(user=request.user, payout=payout).code == "four_eyes",
                "url": _office_payout_url(payout),
            }
            for payout in to_release.object_list
        ]
    context["ready"] = payouts_ready_summary()
    return render(request, "workflows/payout_queue.html", context)


def _office_forms(payout: Payout) -> dict:
    return {
        "check_form": PayoutCheckForm(prefix="pruefung", initial={"amount": payout.requested_amount}),
        "documents_form": PayoutDocumentsForm(prefix="unterlagen"),
        "reject_form": PayoutRejectForm(prefix="ablehnung"),
        "send_back_form": PayoutSendBackForm(prefix="rueckgabe"),
    }


def _render_office_payout(request: HttpRequest, payout: Payout, *, bound: dict | None = None):
    user = request.user
    forms = _office_forms(payout)
    forms.update(bound or {})
    release = payout_can_release(user=user, payout=payout)
    context = {
        "payout": payout,
        "application": payout.application,
        "invoices": payout.invoices.select_related("cost_type"),
        "files": payout.files.select_related("uploaded_by"),
        "warnings": payout_warnings(payout=payout) if payout.status in Payout.WITH_APPLICANT else [],
        # Repeated beside the check button: the dates are what a check most easily misses.
        "date_warnings": payout_date_warnings(payout=payout) if payout.status in Payout.WITH_APPLICANT else [],
        "history": _office_history(payout),
        "status_variant": PAYOUT_VARIANTS.get(payout.status, "info"),
        "remaining": application_payout_remaining(application=payout.application),
        "can_check": payout_can_check(user=user, payout=payout),
        "can_request_documents": payout_can_request_documents(user=user, payout=payout),
        "can_reject": payout_can_reject(user=user, payout=payout),
        "can_release": release,
        "can_send_back": payout_can_send_back(user=user, payout=payout),
        # Four-eyes: the person who checked sees a notice instead of the buttons.
        "own_check": release.code == "four_eyes",
        "any_errors": any(form.errors for form in (bound or {}).values()),
        "page_url": _office_payout_url(payout),
        **forms,
    }
    return render(request, "workflows/payout_office_detail.html", context)


def _office_action(
    request: HttpRequest, payout: Payout, *, form, call: Callable[[dict], object], done: str, bound_key: str
):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except WorkflowError as error:
            form_error_add(form, error)
        else:
            messages.success(request, done)
            return redirect("payout_queue")
    payout = _office_payout_or_404(payout.pk)
    return _render_office_payout(request, payout, bound={bound_key: form})


@login_required
@role_required(*OFFICE_ROLES, write=OFFICE_WORKERS)
@require_http_methods(["GET", "HEAD", "POST"])
def payout_office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payout = _office_payout_or_404(pk)
    if request.method != "POST":
        return _render_office_payout(request, payout)

    user = request.user
    action = request.POST.get("action", "")
    if action in OFFICE_ACTIONS:
        form_class, prefix, bound_key, service_call, done = OFFICE_ACTIONS[action]
        return _office_action(
            request,
            payout,
            form=form_class(request.POST, prefix=prefix),
            call=lambda data: service_call(user, payout, data),
            done=str(done) % {"number": payout.number},
            bound_key=bound_key,
        )
    if action == "release":
        try:
            payouts.payout_release(approver=user, payout_id=payout.pk)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_office_payout_url(payout))
        messages.success(
            request,
            _("Der Mittelabruf %(number)s ist zur Auszahlung freigegeben; er kommt in die nächste SEPA-Datei.")
            % {"number": payout.number},
        )
        return redirect("payout_queue")
    messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
    return redirect(_office_payout_url(payout))
