"""Applicant screens: new application, edit, attachments, detail, answer, withdraw, move to another year.

Each view checks the permission, calls one service and shows its German message.
An application of a municipality the user does not act for is answered with 404,
as if it did not exist.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.selectors import municipality_year_room
from core.dates import format_day
from grants.banking import IbanDetails
from grants.models import Affiliation, Application, Attachment, ProofOfUse
from grants.permissions import can_act_for, role_required
from grants.roles import OFFICE_READERS, Role, user_roles
from grants.selectors import (
    draft_year_check,
    municipalities_of_user,
    programme_year_closed_latest,
    programme_years_open,
)
from reports.selectors import notices_of_application
from workflows.applications.early_start import early_start_request
from workflows.applications.forms import (
    COST_LINE_PREFIX,
    AnswerForm,
    ApplicationForm,
    AttachmentForm,
    CostLineFormSet,
    EarlyStartRequestForm,
    MoveToYearForm,
    WithdrawForm,
)
from workflows.applications.permissions import (
    application_can_answer,
    application_can_edit,
    application_can_submit,
    application_can_withdraw,
    early_start_can_request,
)
from workflows.applications.services import (
    application_create,
    application_move_to_year,
    application_resubmit,
    application_submit,
    application_update,
)
from workflows.applications.services import application_withdraw as withdraw_service
from workflows.common.attachments import attachment_add, attachment_delete
from workflows.common.errors import AlreadyCreated, WorkflowError, form_error_add
from workflows.common.labels import (
    APPLICANT_ACTION_LABELS,
    APPLICANT_COMMENTS,
    INTERNAL_ACTION_PREFIXES,
    STATUS_VARIANTS,
    UNKNOWN_ACTION,
)
from workflows.models import AuditRecord
from workflows.payouts.permissions import payout_can_request

FORM_TEMPLATE = "workflows/applicant_application_form.html"
DETAIL_TEMPLATE = "workflows/applicant_application_detail.html"
WITHDRAW_TEMPLATE = "workflows/applicant_application_withdraw.html"

OFFICE_ROLES = set(OFFICE_READERS)


# --- helpers ------------------------------------------------------------------------------


def _application_or_404(user, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("municipality", "programme_year"), pk=pk)
    allowed, _reason = can_act_for(user=user, municipality=application.municipality)
    if not allowed:
        raise Http404
    return application


def no_open_year_message() -> str:
    """Why no application can be started now, naming the year that is awaited."""
    closed = programme_year_closed_latest()
    if closed is not None:
        return _(
            "Die Antragsfrist für %(year)s ist am %(deadline)s um 24:00 Uhr abgelaufen. Für %(next)s sind noch "
            "keine Förderbedingungen veröffentlicht. Anträge sind möglich, sobald die Geschäftsstelle das "
            "Programmjahr eingerichtet hat."
        ) % {"year": closed.year, "deadline": format_day(closed.application_deadline), "next": closed.year + 1}
    return _(
        "Für das Jahr %(year)d sind noch keine Förderbedingungen veröffentlicht. Anträge sind möglich, "
        "sobald die Geschäftsstelle das Programmjahr eingerichtet hat."
    ) % {"year": timezone.localdate().year}


def _year_notice(application: Application) -> dict | None:
    """What the draft's page says about its programme year (``None``: nothing to say)."""
    check = draft_year_check(application=application)
    if check is None or not (check.closed or check.period_outside):
        return None
    return {"check": check, "can_move": check.closed and bool(check.targets)}


def _detail_url(application: Application) -> str:
    return reverse("applicant_application_detail", kwargs={"pk": application.pk})


def _edit_url(application: Application) -> str:
    return reverse("applicant_application_edit", kwargs={"pk": application.pk})


def _cost_formset(*, data=None, application: Application | None = None):
    if data is not None:
        return CostLineFormSet(data, prefix=COST_LINE_PREFIX)
    initial = CostLineFormSet.initial_for(application) if application else []
    return CostLineFormSet(initial=initial, prefix=COST_LINE_PREFIX)


def _render_form(
    request,
    *,
    form: ApplicationForm,
    formset,
    application: Application | None = None,
    attachment_form: AttachmentForm | None = None,
):
    programme_year = application.programme_year if application else form.year_for_rules()
    day_rate_warnings = []
    if programme_year is not None:
        formset.show_max_day_rate(programme_year)
        day_rate_warnings = formset.day_rates_above(programme_year.max_day_rate)
    municipality = application.municipality if application else form.municipality_shown()
    start = form.period_start_shown()
    year_room = None
    if programme_year and municipality:
        year_room = municipality_year_room(
            programme_year=programme_year, municipality=municipality, exclude=application
        )
    requested = form.requested_shown()
    context = {
        "year_room": year_room,
        "above_cap": bool(year_room and requested and requested > year_room.remaining_cap),
        "room_municipality": municipality,
        "start_in_past": start
        if start and start < timezone.localdate() and not (application and application.early_start_allowed)
        else None,
        "form": form,
        "formset": formset,
        "max_day_rate": programme_year.max_day_rate if programme_year else None,
        "day_rate_warnings": day_rate_warnings,
        "day_rate_lines": [number for number, _rate in day_rate_warnings],
        "application": application,
        "programme_year": application.programme_year if application else form.own_programme_year,
        "rules_year": programme_year,
        "show_year_choice": application is None and "programme_year" in form.fields,
        "year_notice": _year_notice(application) if application else None,
        "municipality": application.municipality if application else form.own_municipality,
        "attachments": application.attachments.all() if application else [],
        "attachment_form": attachment_form or AttachmentForm(),
        "action_url": _edit_url(application) if application else reverse("applicant_application_new"),
        "show_municipality_select": application is None and "municipality" in form.fields,
        # A new form is a draft to be; an application the office asked about is only saved here.
        "can_submit": application is None or application_can_submit(user=request.user, application=application),
        "awaits_answer": application is not None
        and application_can_answer(user=request.user, application=application).allowed,
    }
    return render(request, FORM_TEMPLATE, context)


def _submit(request: HttpRequest, application: Application) -> HttpResponseRedirect:
    try:
        application = application_submit(
            user=request.user, application_id=application.pk, revision=application.revision
        )
    except WorkflowError as error:
        messages.error(
            request,
            _("Ihre Angaben wurden gespeichert, der Antrag aber noch nicht eingereicht. %(reason)s")
            % {"reason": error.message},
        )
        return redirect(
            _edit_url(application)
            if application_can_edit(user=request.user, application=application)
            else _detail_url(application)
        )
    messages.success(
        request,
        _("Ihr Antrag wurde eingereicht. Aktenzeichen: %(number)s. Sie erhalten eine Eingangsbestätigung per E-Mail.")
        % {"number": application.file_number},
    )
    return redirect(_detail_url(application))


def _flag_for_submit(request: HttpRequest, form: ApplicationForm, formset) -> list[str]:
    """On "Einreichen": mark every missing field at once (not only the ones the form requires)."""
    if "submit" not in request.POST:
        return []
    return form.flag_missing_for_submit(formset=formset)


def _not_submitted(request: HttpRequest, missing: list[str] | None = None) -> None:
    if "submit" not in request.POST:
        return
    if missing:
        messages.error(
            request,
            _("Der Antrag wurde noch nicht eingereicht. Es fehlen: %(missing)s.") % {"missing": ", ".join(missing)},
        )
    else:
        messages.error(request, _("Der Antrag wurde nicht eingereicht, weil Angaben fehlerhaft sind."))


# --- new application and edit -------------------------------------------------------------


@login_required
@role_required(Role.APPLICANT)
def applicant_application_new(request: HttpRequest) -> HttpResponse:
    municipalities = list(municipalities_of_user(user=request.user))
    if not municipalities:
        messages.error(
            request, _("Ihrem Konto ist keine Kommune zugeordnet. Bitte wenden Sie sich an die Geschäftsstelle.")
        )
        return redirect("applicant_home")
    open_years = programme_years_open()
    if not open_years:
        messages.error(request, no_open_year_message())
        return redirect("applicant_home")

    if request.method != "POST":
        form = ApplicationForm(
            municipalities=municipalities,
            programme_years=open_years,
            initial={"form_token": secrets.token_urlsafe(16)},
        )
        return _render_form(request, form=form, formset=_cost_formset())

    form = ApplicationForm(request.POST, municipalities=municipalities, programme_years=open_years)
    formset = _cost_formset(data=request.POST)
    form_ok, lines_ok = form.is_valid(), formset.is_valid()
    if not form.can_save():
        _not_submitted(request, _flag_for_submit(request, form, formset))
        return _render_form(request, form=form, formset=formset)
    # What is saved is taken before the submit check marks empty fields as missing.
    data, lines, partners = form.draft_data(), formset.cost_lines() if lines_ok else [], form.partners_or_none()
    missing = _flag_for_submit(request, form, formset)
    try:
        application = application_create(
            user=request.user,
            municipality=form.chosen_municipality(),
            programme_year=form.chosen_programme_year(),
            data=data,
            cost_lines=lines,
            partners=partners or [],
            create_token=form.cleaned_data.get("form_token", ""),
        )
    except AlreadyCreated as repeated:
        # The same form sent again (double click, reload): the draft exists already.
        messages.info(request, repeated.message)
        return redirect("applicant_application_edit", pk=repeated.application_id)
    except WorkflowError as error:
        form_error_add(form, error)
        return _render_form(request, form=form, formset=formset)

    if form_ok and lines_ok and missing:
        form.show_revision(application.revision)
        messages.success(request, _("Der Entwurf wurde gespeichert."))
        _not_submitted(request, missing)
        return _render_form(request, form=form, formset=formset, application=application)
    if form_ok and lines_ok:
        if "submit" in request.POST:
            return _submit(request, application)
        messages.success(request, _("Der Entwurf wurde gespeichert."))
        return redirect(_edit_url(application))
    form.show_revision(application.revision)
    messages.warning(
        request,
        _(
            "Der Entwurf wurde angelegt, aber noch nicht vollständig gespeichert: Bitte korrigieren Sie die "
            "markierten Angaben und speichern Sie erneut."
        ),
    )
    _not_submitted(request, missing)
    return _render_form(request, form=form, formset=formset, application=application)


@login_required
@role_required(Role.APPLICANT)
def applicant_application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if request.method != "POST":
        if not application_can_edit(user=request.user, application=application):
            messages.info(
                request,
                _("Der Antrag ist im Status »%(status)s« und kann nicht mehr bearbeitet werden.")
                % {"status": application.get_status_display()},
            )
            return redirect(_detail_url(application))
        form = ApplicationForm(initial=ApplicationForm.initial_for(application), application=application)
        return _render_form(request, form=form, formset=_cost_formset(application=application), application=application)

    form = ApplicationForm(request.POST, application=application)
    formset = _cost_formset(data=request.POST)
    form_ok, lines_ok = form.is_valid(), formset.is_valid()
    if not form.can_save():
        if not application_can_edit(user=request.user, application=application):
            return redirect(_detail_url(application))
        _not_submitted(request, _flag_for_submit(request, form, formset))
        return _render_form(request, form=form, formset=formset, application=application)
    # What is saved is taken before the submit check marks empty fields as missing.
    data, lines, partners = form.draft_data(), formset.cost_lines_or_none(), form.partners_or_none()
    missing = _flag_for_submit(request, form, formset)
    try:
        application = application_update(
            user=request.user,
            application_id=application.pk,
            revision=form.cleaned_data["revision"],
            data=data,
            cost_lines=lines,
            partners=partners,
        )
    except WorkflowError as error:
        if error.code == "stale":
            # Keep what was typed on the page, but do not overwrite the newer version.
            form_error_add(form, error)
            return _render_form(request, form=form, formset=formset, application=application)
        messages.error(request, error.message)
        return redirect(_detail_url(application))

    if form_ok and lines_ok and missing:
        form.show_revision(application.revision)
        messages.success(request, _("Ihre Änderungen wurden gespeichert."))
        _not_submitted(request, missing)
        return _render_form(request, form=form, formset=formset, application=application)
    if form_ok and lines_ok:
        if "submit" in request.POST:
            return _submit(request, application)
        messages.success(request, _("Ihre Änderungen wurden gespeichert."))
        return redirect(_edit_url(application))
    form.show_revision(application.revision)
    messages.warning(
        request,
        _(
            "Die fehlerfreien Angaben wurden gespeichert. Bitte korrigieren Sie die markierten Angaben und "
            "speichern Sie erneut."
        ),
    )
    _not_submitted(request, missing)
    return _render_form(request, form=form, formset=formset, application=application)


# --- attachments ----------------------------------------------------------------------------


@login_required
@role_required(Role.APPLICANT)
def applicant_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(_edit_url(application))
    attachment_form = AttachmentForm(request.POST, request.FILES)
    if attachment_form.is_valid():
        upload = attachment_form.cleaned_data["file"]
        try:
            attachment = attachment_add(user=request.user, application_id=application.pk, upload=upload)
        except WorkflowError as error:
            if error.code in ("wrong_state", "forbidden", "not_found"):
                messages.error(request, error.message)
                return redirect(_detail_url(application))
            attachment_form.add_error("file", error.message)
        else:
            messages.success(
                request, _("Die Anlage »%(name)s« wurde hochgeladen.") % {"name": attachment.original_name}
            )
            return redirect(_edit_url(application) + "#anlagen")
    if not application_can_edit(user=request.user, application=application):
        return redirect(_detail_url(application))
    form = ApplicationForm(initial=ApplicationForm.initial_for(application), application=application)
    return _render_form(
        request,
        form=form,
        formset=_cost_formset(application=application),
        application=application,
        attachment_form=attachment_form,
    )


@login_required
@role_required(Role.APPLICANT)
def applicant_attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(_edit_url(application))
    try:
        attachment_delete(user=request.user, application_id=application.pk, attachment_id=attachment_pk)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(application))
    messages.success(request, _("Die Anlage wurde entfernt."))
    return redirect(_edit_url(application) + "#anlagen")


@login_required
@role_required(Role.APPLICANT, *OFFICE_ROLES)
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Applicants of the municipality may download; the programme office too, once the
    application is submitted (a draft is the municipality's own business). Others get 404."""
    application = get_object_or_404(Application.objects.select_related("municipality"), pk=pk)
    own, _reason = can_act_for(user=request.user, municipality=application.municipality)
    office = bool(user_roles(request.user) & OFFICE_ROLES) and application.status != Application.Status.DRAFT
    if not (own or office):
        raise Http404
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- detail, answer, withdraw ----------------------------------------------------------------


def _history(application: Application) -> list[dict]:
    records = [
        record
        for record in application.audit_records.select_related("actor").order_by("at", "pk")
        if not record.action.startswith(INTERNAL_ACTION_PREFIXES)
    ]
    actor_ids = {record.actor_id for record in records if record.actor_id}
    # Staff of the municipality are named; the office appears as the office.
    colleagues = set(
        Affiliation.objects.filter(municipality=application.municipality, user_id__in=actor_ids).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for record in records:
        if record.actor_id is None:
            who = _("automatisch")
        elif record.actor_id in colleagues:
            who = record.actor.get_full_name() or record.actor.get_username()
        else:
            who = _("Geschäftsstelle")
        rows.append(
            {
                "at": record.at,
                "label": APPLICANT_ACTION_LABELS.get(record.action, UNKNOWN_ACTION),
                "who": who,
                "comment": record.comment if record.action in APPLICANT_COMMENTS else "",
            }
        )
    return rows


def _info_request(application: Application) -> AuditRecord | None:
    if application.status != Application.Status.INFO_REQUESTED:
        return None
    return application.audit_records.filter(action="grants.application.info_requested").order_by("at", "pk").last()


def _render_detail(request: HttpRequest, application: Application, *, answer_form: AnswerForm | None = None):
    info_request = _info_request(application)
    if info_request and answer_form is None:
        answer_form = AnswerForm(initial={"revision": application.revision})
    context = {
        "application": application,
        "year_notice": _year_notice(application),
        "cost_lines": application.cost_lines.select_related("cost_type"),
        "partners": application.partner_municipalities.order_by("name", "ags"),
        "attachments": application.attachments.all(),
        "history": _history(application),
        "info_request": info_request,
        "answer_form": answer_form,
        "can_edit": application_can_edit(user=request.user, application=application),
        "can_submit": application_can_submit(user=request.user, application=application),
        "can_withdraw": application_can_withdraw(user=request.user, application=application),
        "can_request_early_start": early_start_can_request(user=request.user, application=application),
        "payouts": list(application.payouts.all()),
        "can_request_payout": payout_can_request(user=request.user, application=application),
        "proof": ProofOfUse.objects.filter(application=application).first(),
        "notices": notices_of_application(application=application),
        "status_variant": STATUS_VARIANTS.get(application.status, "info"),
        "iban_formatted": IbanDetails(iban=application.iban, bic="", bank_name="").formatted,
        "declaration_labels": {
            "early_start": Application._meta.get_field("declaration_no_early_start").verbose_name,
            "double_funding": Application._meta.get_field("declaration_no_double_funding").verbose_name,
        },
    }
    return render(request, DETAIL_TEMPLATE, context)


@login_required
@role_required(Role.APPLICANT)
def applicant_application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _application_or_404(request.user, pk))


@login_required
@role_required(Role.APPLICANT)
def applicant_application_answer(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(_detail_url(application))
    answer_form = AnswerForm(request.POST)
    if not answer_form.is_valid():
        return _render_detail(request, application, answer_form=answer_form)
    try:
        application_resubmit(
            user=request.user,
            application_id=application.pk,
            answer=answer_form.cleaned_data["answer"],
            revision=answer_form.cleaned_data["revision"],
        )
    except WorkflowError as error:
        if error.code in ("stale", "reason_missing", "too_long"):
            form_error_add(answer_form, error)
            return _render_detail(request, application, answer_form=answer_form)
        messages.error(request, error.message)
        return redirect(_detail_url(application))
    messages.success(request, _("Ihre Antwort wurde übermittelt. Der Antrag ist wieder in Prüfung."))
    return redirect(_detail_url(application))


@login_required
@role_required(Role.APPLICANT)
def applicant_application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a draft into an open programme year (the button on its detail and edit pages)."""
    application = _application_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(_detail_url(application))
    form = MoveToYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["programme_year"]))
        return redirect(_detail_url(application))
    try:
        application = application_move_to_year(
            user=request.user, application_id=application.pk, programme_year_id=form.cleaned_data["programme_year"]
        )
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(application))
    messages.success(
        request,
        _("Der Entwurf gehört jetzt zum Programmjahr %(year)s. Alle Angaben sind erhalten.")
        % {"year": application.programme_year.year},
    )
    return redirect(_edit_url(application))


@login_required
@role_required(Role.APPLICANT)
def applicant_application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request.user, pk)
    if not application_can_withdraw(user=request.user, application=application) and request.method != "POST":
        messages.info(
            request,
            _("Der Antrag ist im Status »%(status)s« und kann nicht mehr zurückgezogen werden.")
            % {"status": application.get_status_display()},
        )
        return redirect(_detail_url(application))
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_service(user=request.user, application_id=application.pk, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(application))
        messages.success(request, _("Der Antrag wurde zurückgezogen."))
        return redirect(_detail_url(application))
    return render(request, WITHDRAW_TEMPLATE, {"application": application, "form": form})


@login_required
@role_required(Role.APPLICANT)
def applicant_application_early_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to start the project before the decision (vorzeitiger Maßnahmebeginn)."""
    application = _application_or_404(request.user, pk)
    allowed = early_start_can_request(user=request.user, application=application)
    if not allowed and request.method != "POST":
        messages.info(request, allowed.reason)
        return redirect(_detail_url(application))
    form = EarlyStartRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            early_start_request(user=request.user, application_id=application.pk, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(application))
        messages.success(request, _("Ihr Antrag auf vorzeitigen Maßnahmebeginn ist eingegangen."))
        return redirect(_detail_url(application))
    return render(request, "workflows/applicant_early_start.html", {"application": application, "form": form})
