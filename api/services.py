"""Writes on API clients, and the look-up of a bearer token. Creating and revoking is
recorded in the history of master data (``core.changes``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiClient
from core.changes import change_record
from core.errors import DomainError

PREFIX_LENGTH = 8
# last_used_at is written at most this often per client, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiClientError(DomainError):
    """A rule on API clients refused an action."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CreatedClient:
    client: ApiClient
    # The only moment the token exists in clear: shown once, never stored.
    token: str


def api_client_create(*, actor, name: str, scope: str) -> CreatedClient:
    name = " ".join(name.split())
    if not name:
        raise ApiClientError(_("Bitte geben Sie einen Namen an."))
    if scope not in ApiClient.Scope.values:
        raise ApiClientError(_("Unbekannte Berechtigung."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            scope=scope,
            token_hash=token_hash(token),
            prefix=token[:PREFIX_LENGTH],
            created_by=actor,
        )
        change_record(
            actor=actor,
            subject=client,
            action="api.client.created",
            changes={"name": name, "scope": scope, "prefix": client.prefix},
        )
    return CreatedClient(client=client, token=token)


def api_client_revoke(*, actor, client_id: int, comment: str = "") -> ApiClient:
    """Revoke a client: its token is refused from now on. Revoking twice changes nothing."""
    with transaction.atomic():
        try:
            client = ApiClient.objects.select_for_update().get(pk=client_id)
        except ApiClient.DoesNotExist:
            raise ApiClientError(_("Diesen API-Zugang gibt es nicht."), code="not_found") from None
        if client.revoked_at is not None:
            return client
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        change_record(
            actor=actor,
            subject=client,
            action="api.client.revoked",
            changes={"revoked_at": (None, client.revoked_at)},
            comment=comment,
        )
    return client


def api_client_for_token(*, token: str) -> ApiClient | None:
    """The active client holding ``token``, or None (unknown or revoked)."""
    if not token:
        return None
    client = ApiClient.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def api_clients_listed():
    """Active clients first, then the revoked ones; newest first within each."""
    return ApiClient.objects.select_related("created_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-pk"
    )
