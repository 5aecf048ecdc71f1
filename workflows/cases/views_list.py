"""All applications for the programme office: the list with search, filters, sorting and
pages, and its export to Excel. Read-only pages for every office role."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grants.models import StructuralStatus
from grants.permissions import role_required
from grants.roles import OFFICE_READERS
from reports.exports.base import write_workbook
from workflows.applications.views_office import STRUCTURAL_SHORT, STRUCTURAL_VARIANTS
from workflows.cases import selectors
from workflows.cases.export import CaseListExport
from workflows.cases.forms import CaseFilterForm
from workflows.common.labels import STATUS_VARIANTS

PAGE_SIZE = 50
PAGE_PARAM = "seite"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Filters shown as removable chips, in the form's order (the search and the order are not filters).
FILTER_FIELDS = ("jahr", "status", "land", "kreis", "foerdergebiet", "zweck", "bearbeitung", "ueberfaellig", "faellig")

case_pages = role_required(*OFFICE_READERS)


def _form_and_filter(request: HttpRequest):
    form = CaseFilterForm(request.GET or None)
    return form, form.to_filter()


def _active_filters(request: HttpRequest, form: CaseFilterForm) -> list[dict]:
    """Each filter in force with a link that removes only it."""
    chips = []
    if not form.is_bound:
        return chips
    for name in FILTER_FIELDS:
        if name not in form.cleaned_data or not form.cleaned_data[name]:
            continue
        field = form.fields[name]
        value = form.cleaned_data[name]
        if name == "ueberfaellig":
            shown = _("ja")
        elif hasattr(field, "label_from_instance"):
            shown = field.label_from_instance(value)
        else:
            shown = dict((str(key), label) for key, label in field.choices).get(str(value), str(value))
        query = request.GET.copy()
        query.pop(name, None)
        query.pop(PAGE_PARAM, None)
        remaining = query.urlencode()
        url = reverse("case_list") + ("?" + remaining if remaining else "")
        chips.append({"label": field.label, "value": shown, "url": url})
    return chips


@login_required
@case_pages
@require_http_methods(["GET", "HEAD"])
def case_list(request: HttpRequest) -> HttpResponse:
    form, filters = _form_and_filter(request)
    if filters.search:
        found = selectors.case_by_file_number(text=filters.search)
        if found is not None:
            return redirect(selectors.case_url(found))
    queryset = selectors.case_list(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    applications = list(page.object_list)
    clerks = selectors.case_clerks(applications=applications)
    rows = [
        {
            "application": application,
            "url": selectors.case_url(application.pk),
            "structural_short": STRUCTURAL_SHORT[application.structural_status],
            "structural_label": StructuralStatus.Status(application.structural_status).label,
            "structural_variant": STRUCTURAL_VARIANTS[application.structural_status],
            "status_variant": STATUS_VARIANTS.get(application.status, "info"),
            "clerk": clerks.get(application.pk, ""),
        }
        for application in applications
    ]
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "page_param": PAGE_PARAM,
        "active_filters": _active_filters(request, form),
        "searched": filters.search,
        "export_url": reverse("case_list_export") + ("?" + query.urlencode() if query else ""),
    }
    return render(request, "workflows/case_list.html", context)


@login_required
@case_pages
@require_http_methods(["GET", "HEAD"])
def case_list_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _form_and_filter(request)
    exporter = CaseListExport(
        applications=selectors.case_list(user=request.user, filters=filters), today=timezone.localdate()
    )
    buffer = io.BytesIO()
    write_workbook(exporter, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename()}"'
    return response
