"""The administrators' page of API clients: create one (its token is shown once) and
revoke one. Tokens are never shown again; a lost token means a new client."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api.forms import ApiClientForm
from api.models import ApiClient
from api.services import ApiClientError, api_client_create, api_client_revoke, api_clients_listed
from grants.permissions import role_required
from grants.roles import Role

# The new token travels to the next page in the session, so that it is shown once,
# on a GET: a reload of that page shows it no more, and no form is sent twice.
NEW_TOKEN_KEY = "api_client_new_token"


def _page(request: HttpRequest, form: ApiClientForm, new_token: dict | None = None) -> HttpResponse:
    return render(
        request,
        "api/client_list.html",
        {"form": form, "clients": api_clients_listed(), "new_token": new_token},
    )


@login_required
@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def api_client_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ApiClientForm(), new_token=request.session.pop(NEW_TOKEN_KEY, None))
    form = ApiClientForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        created = api_client_create(actor=request.user, **form.cleaned_data)
    except ApiClientError as error:
        form.add_error(None, error.message)
        return _page(request, form)
    request.session[NEW_TOKEN_KEY] = {"name": created.client.name, "token": created.token}
    return redirect("api_client_list")


@login_required
@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def api_client_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = ApiClient.objects.filter(pk=pk).select_related("created_by").first()
    if client is None:
        raise Http404
    if request.method != "POST":
        return render(request, "api/client_revoke.html", {"client": client})
    try:
        client = api_client_revoke(actor=request.user, client_id=client.pk)
    except ApiClientError as error:
        messages.error(request, error.message)
        return redirect("api_client_list")
    messages.success(request, _("Der API-Zugang »%(name)s« ist widerrufen.") % {"name": client.name})
    return redirect("api_client_list")
