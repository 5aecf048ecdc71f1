"""The budget pages of a programme year: its figures, breakdowns, and the lapse of commitments never called."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.money import ZERO, format_eur, money
from grants.models import ProgrammeYear
from grants.permissions import role_required
from grants.roles import Role
from workflows.common.errors import WorkflowError, form_error_add
from workflows.common.warnings import base_rate_warning
from workflows.payouts import budget
from workflows.payouts.forms import (
    LapseForm,
)
from workflows.payouts.permissions import commitments_can_lapse

BUDGET_ROLES = (Role.CONTROLLER, Role.CLERK, Role.APPROVER, Role.ADMIN)


def _programme_year(year: int | None) -> ProgrammeYear | None:
    if year is not None:
        return get_object_or_404(ProgrammeYear, year=year)
    this_year = ProgrammeYear.objects.filter(year=timezone.localdate().year).first()
    return this_year or ProgrammeYear.objects.order_by("-year").first()


@login_required
@role_required(*BUDGET_ROLES)
@require_http_methods(["GET", "HEAD"])
def budget_overview(request: HttpRequest, year: int | None = None) -> HttpResponse:
    programme_year = _programme_year(year)
    context = {
        "programme_year": programme_year,
        "programme_years": ProgrammeYear.objects.order_by("-year"),
        **base_rate_warning(request.user),
    }
    if programme_year is not None:
        day = budget.structural_status_day(programme_year=programme_year)
        by_land = budget.budget_by_land(programme_year=programme_year)
        by_status = budget.budget_by_structural_status(programme_year=programme_year, day=day)
        may_lapse = commitments_can_lapse(user=request.user).allowed
        context.update(
            figures=budget.budget_figures(programme_year=programme_year),
            by_land=by_land,
            by_land_total=budget.breakdown_total(by_land),
            by_status=by_status,
            by_status_total=budget.breakdown_total(by_status),
            status_day=day,
            may_lapse=may_lapse,
            deadline_passed=budget.lapse_deadline_passed(programme_year=programme_year),
        )
    return render(request, "workflows/budget_overview.html", context)


@login_required
@role_required(Role.CLERK, Role.APPROVER, Role.ADMIN, write=(Role.CLERK, Role.APPROVER))
@require_http_methods(["GET", "HEAD", "POST"])
def budget_lapse(request: HttpRequest, year: int) -> HttpResponse:
    """Preview of the commitments nobody called by the deadline; confirming lapses exactly those."""
    programme_year = get_object_or_404(ProgrammeYear, year=year)
    form = LapseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = budget.commitments_lapse(
                user=request.user,
                programme_year_id=programme_year.pk,
                application_ids=form.cleaned_data["application_ids"],
            )
        except WorkflowError as error:
            form_error_add(form, error)
        else:
            if result.lapsed:
                messages.success(
                    request,
                    _(
                        "%(count)d Bewilligung(en) sind verfallen; %(total)s sind an den Programmhaushalt "
                        "zurückgegeben. Die Kommunen werden per E-Mail benachrichtigt."
                    )
                    % {"count": len(result.lapsed), "total": format_eur(result.released_total)},
                )
            if result.skipped:
                messages.info(
                    request,
                    _("Nicht verfallen (übersprungen): %(list)s.")
                    % {
                        "list": "; ".join(
                            f"{skip.file_number or skip.application_id}: {skip.reason}" for skip in result.skipped
                        )
                    },
                )
            return redirect("budget_year", year=programme_year.year)
    candidates = budget.commitments_lapse_preview(programme_year=programme_year)
    if request.method != "POST":
        form = LapseForm(initial={"application_ids": ",".join(str(c.application.pk) for c in candidates)})
    context = {
        "programme_year": programme_year,
        "candidates": candidates,
        "total": money(sum((candidate.amount for candidate in candidates), ZERO)),
        "deadline_passed": budget.lapse_deadline_passed(programme_year=programme_year),
        "form": form,
        "may_lapse": commitments_can_lapse(user=request.user).allowed,
    }
    return render(request, "workflows/budget_lapse.html", context)
