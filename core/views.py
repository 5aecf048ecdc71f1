"""The public legal pages: no login needed, linked in the footer of every page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.legal import legal_page
from core.models import LegalPage


def _show(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        page = legal_page(kind=kind)
    except LegalPage.DoesNotExist:
        raise Http404 from None
    return render(request, "core/legal_page.html", {"page": page})


@require_safe
def legal_privacy(request: HttpRequest) -> HttpResponse:
    return _show(request, LegalPage.Kind.PRIVACY)


@require_safe
def legal_imprint(request: HttpRequest) -> HttpResponse:
    return _show(request, LegalPage.Kind.IMPRINT)


@require_safe
def legal_accessibility(request: HttpRequest) -> HttpResponse:
    return _show(request, LegalPage.Kind.ACCESSIBILITY)
