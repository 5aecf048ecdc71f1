"""The administrators' page of the Basiszinssatz: every published rate, and the form
for the next one. A published rate is never edited or deleted, so there is no page
for that.

``base_rate_warning`` is the context the office's start pages (queue, proofs of use,
budget) show while the rate of the current half-year is missing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgets.base_rates import (
    BaseRateRefused,
    base_rate_add,
    base_rate_next_valid_from,
    base_rates_listed,
)
from budgets.interest import SURCHARGE_POINTS
from core.dates import format_day
from core.money import format_percent
from grants.permissions import role_required
from grants.roles import Role
from workflows.base_rates.forms import BaseRateForm
from workflows.common.warnings import base_rate_warning

SOURCE_SUGGESTION = "Deutsche Bundesbank, Bekanntgabe im Bundesanzeiger"


def _page(request: HttpRequest, form: BaseRateForm):
    rows = list(base_rates_listed())
    context = {
        "form": form,
        "rows": [
            {"row": row, "interest_rate": row.rate + SURCHARGE_POINTS, "shipped": row.created_by_id is None}
            for row in rows
        ],
        "next_valid_from": base_rate_next_valid_from(),
        **base_rate_warning(request.user),
        # The form is right below the warning: no link to the page itself.
        "base_rate_url": "",
    }
    return render(request, "workflows/base_rates.html", context)


@login_required
@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def base_rate_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {"valid_from": base_rate_next_valid_from(), "source": SOURCE_SUGGESTION}
        return _page(request, BaseRateForm(initial=initial))
    form = BaseRateForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        row = base_rate_add(user=request.user, **form.cleaned_data)
    except BaseRateRefused as error:
        for field, message in error.problems.items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, form)
    messages.success(
        request,
        _("Der Basiszinssatz ab dem %(day)s ist mit %(rate)s eingetragen.")
        % {"day": format_day(row.valid_from), "rate": format_percent(row.rate)},
    )
    return redirect("base_rate_list")
