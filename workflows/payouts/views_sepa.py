"""The approvers' SEPA pages: the payouts ready for the bank, the batches, booking them as paid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgets.models import SepaBatch
from core.money import format_eur, money
from grants.permissions import role_required
from grants.roles import OFFICE_WORKERS, Role
from workflows.common.errors import WorkflowError, form_error_add
from workflows.payouts import sepa
from workflows.payouts.forms import (
    SepaBatchCreateForm,
    SepaBookForm,
)
from workflows.payouts.permissions import (
    sepa_batch_can_book,
    sepa_batch_can_create,
    sepa_batch_can_download,
    sepa_batch_can_export,
)
from workflows.payouts.views import OFFICE_ROLES, PAGE_SIZE, page_of

B = SepaBatch.Status


BATCH_VARIANTS = {B.CREATED: "info", B.EXPORTED: "warning", B.BOOKED: "success"}


def _render_sepa(request: HttpRequest, *, create_form=None, status: int = 200):
    ready, left_out = sepa.sepa_ready(shown=PAGE_SIZE)
    if create_form is None:
        create_form = SepaBatchCreateForm(initial={"expected_count": ready.count, "expected_total": ready.total})
    context = {
        "ready": ready,
        "left_out": left_out,
        "create_form": create_form,
        "batches": page_of(request, SepaBatch.objects.select_related("created_by"), "seite"),
        "can_create": sepa_batch_can_create(user=request.user),
        "batch_variants": BATCH_VARIANTS,
    }
    return render(request, "workflows/payout_sepa.html", context, status=status)


@login_required
@role_required(*OFFICE_ROLES, write=OFFICE_WORKERS)
@require_http_methods(["GET", "HEAD", "POST"])
def sepa_overview(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_sepa(request)
    if not sepa_batch_can_create(user=request.user):
        raise PermissionDenied(_("SEPA-Dateien erstellt die Bewilligung."))
    form = SepaBatchCreateForm(request.POST)
    if form.is_valid():
        ready, _left_out = sepa.sepa_ready()
        data = form.cleaned_data
        if (data["expected_count"], money(data["expected_total"])) != (ready.count, ready.total):
            # What was confirmed must be what goes to the bank.
            form = SepaBatchCreateForm(
                initial={
                    "expected_count": ready.count,
                    "expected_total": ready.total,
                    "execution_date": data["execution_date"],
                }
            )
            messages.warning(
                request,
                _(
                    "Seit dem Aufruf der Seite haben sich die freigegebenen Auszahlungen geändert. Bitte prüfen Sie "
                    "Anzahl und Summe und bestätigen Sie erneut."
                ),
            )
            return _render_sepa(request, create_form=form)
        try:
            batch = sepa.sepa_batch_create(approver=request.user, execution_date=data["execution_date"])
        except WorkflowError as error:
            form_error_add(form, error)
        else:
            messages.success(
                request,
                _("Die Sammelüberweisung %(number)s über %(count)d Auszahlung(en), zusammen %(total)s, ist erstellt.")
                % {"number": batch.number, "count": batch.transaction_count, "total": format_eur(batch.control_sum)},
            )
            _ready, left_out = sepa.sepa_ready()
            for item in left_out:
                messages.warning(
                    request,
                    _("Der Mittelabruf %(number)s ist nicht in der Datei und bleibt freigegeben: %(reasons)s")
                    % {"number": item.payout.number, "reasons": " ".join(item.reasons)},
                )
            return redirect("sepa_batch_detail", pk=batch.pk)
    return _render_sepa(request, create_form=form)


def _render_batch(request: HttpRequest, batch: SepaBatch, *, book_form=None):
    context = {
        "batch": batch,
        "lines": batch.lines.select_related("payout__application__municipality"),
        "status_variant": BATCH_VARIANTS.get(batch.status, "info"),
        "can_download": sepa_batch_can_download(user=request.user),
        "can_export": sepa_batch_can_export(user=request.user, batch=batch),
        "can_book": sepa_batch_can_book(user=request.user, batch=batch),
        "book_form": book_form or SepaBookForm(prefix="buchung"),
        "any_errors": bool(book_form and book_form.errors),
    }
    return render(request, "workflows/payout_sepa_batch.html", context)


@login_required
@role_required(*OFFICE_ROLES, write=OFFICE_WORKERS)
@require_http_methods(["GET", "HEAD", "POST"])
def sepa_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(SepaBatch.objects.select_related("created_by", "exported_by", "booked_by"), pk=pk)
    if request.method != "POST":
        return _render_batch(request, batch)
    action = request.POST.get("action", "")
    if action == "export":
        if sepa_batch_can_export(user=request.user, batch=batch).code == "forbidden":
            raise PermissionDenied(_("SEPA-Dateien übergibt die Bewilligung an die Bank."))
        try:
            sepa.sepa_batch_mark_exported(approver=request.user, batch_id=batch.pk)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Die Sammelüberweisung %(number)s ist als an die Bank übergeben vermerkt.")
                % {"number": batch.number},
            )
        return redirect("sepa_batch_detail", pk=batch.pk)
    if action == "book":
        form = SepaBookForm(request.POST, prefix="buchung")
        if form.is_valid():
            try:
                sepa.sepa_batch_book_paid(
                    user=request.user, batch_id=batch.pk, value_date=form.cleaned_data["value_date"]
                )
            except WorkflowError as error:
                form_error_add(form, error)
            else:
                messages.success(
                    request,
                    _("Die Sammelüberweisung %(number)s ist mit Wertstellung %(date)s als ausgezahlt gebucht.")
                    % {"number": batch.number, "date": f"{form.cleaned_data['value_date']:%d.%m.%Y}"},
                )
                return redirect("sepa_batch_detail", pk=batch.pk)
        batch.refresh_from_db()
        return _render_batch(request, batch, book_form=form)
    messages.error(request, _("Unbekannte Aktion. Bitte laden Sie die Seite neu."))
    return redirect("sepa_batch_detail", pk=batch.pk)


@login_required
@role_required(Role.APPROVER)
@require_http_methods(["GET", "HEAD"])
def sepa_batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen XML as it was written and checked at creation."""
    batch = get_object_or_404(SepaBatch, pk=pk)
    response = HttpResponse(batch.xml_bytes, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}"'
    return response
