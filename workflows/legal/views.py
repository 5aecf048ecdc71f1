"""Administrators edit the legal pages (Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit). Every save is a new version; the old ones stay and are listed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import LegalPageRefused
from core.legal import legal_page, legal_page_update, legal_page_versions, legal_pages
from core.models import LegalPage
from grants.permissions import role_required
from grants.roles import Role
from workflows.legal.forms import LegalPageForm

PUBLIC_URL_NAMES = {
    LegalPage.Kind.PRIVACY: "legal_privacy",
    LegalPage.Kind.IMPRINT: "legal_imprint",
    LegalPage.Kind.ACCESSIBILITY: "legal_accessibility",
}


@login_required
@role_required(Role.ADMIN)
@require_safe
def legal_edit_list(request: HttpRequest) -> HttpResponse:
    rows = [{"page": page, "public_url_name": PUBLIC_URL_NAMES[page.kind]} for page in legal_pages()]
    return render(request, "workflows/legal_edit_list.html", {"rows": rows})


def _page(request: HttpRequest, page: LegalPage, form: LegalPageForm) -> HttpResponse:
    context = {
        "page": page,
        "form": form,
        "versions": legal_page_versions(page=page),
        "public_url_name": PUBLIC_URL_NAMES[page.kind],
    }
    return render(request, "workflows/legal_edit.html", context)


@login_required
@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def legal_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LegalPage.Kind.values:
        raise Http404
    try:
        page = legal_page(kind=kind)
    except LegalPage.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        initial = {"title": page.title, "text": page.text, "version": page.version}
        return _page(request, page, LegalPageForm(initial=initial))
    form = LegalPageForm(request.POST)
    if not form.is_valid():
        return _page(request, page, form)
    try:
        saved = legal_page_update(
            kind=kind,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except LegalPageRefused as error:
        for field, message in error.problems.items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, page, form)
    messages.success(
        request,
        _("»%(title)s« ist als Fassung %(version)d gespeichert und öffentlich sichtbar.")
        % {"title": saved.title, "version": saved.version},
    )
    return redirect("legal_edit", kind=kind)
