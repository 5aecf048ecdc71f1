"""Clients of the JSON API (the network platform): who may call it, and how much."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """One caller of ``/api/v1/`` with its bearer token.

    The token itself is shown once, when the client is created, and never stored:
    only its SHA-256 (``token_hash``) and its first characters (``prefix``), by which
    an administrator recognises it. A revoked client stays, for the history.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Lesen")
        WRITE = "write", _("Lesen und Schreiben")

    name = models.CharField(_("Name"), max_length=100)
    scope = models.CharField(_("Berechtigung"), max_length=5, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("Kennung"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("angelegt von")
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Zugang")
        verbose_name_plural = _("API-Zugänge")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
