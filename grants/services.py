"""Writes on master data: affiliations and the object permissions that follow them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from grants.models import Affiliation, Municipality, NumberSequence

ACT_FOR_MUNICIPALITY = "grants.act_for_municipality"
VIEW_MUNICIPALITY = "grants.view_municipality"


def affiliation_create(*, user: AbstractUser, municipality: Municipality) -> Affiliation:
    """Let ``user`` act for ``municipality``; idempotent."""
    with transaction.atomic():
        affiliation, _created = Affiliation.objects.get_or_create(user=user, municipality=municipality)
        assign_perm(ACT_FOR_MUNICIPALITY, user, municipality)
        assign_perm(VIEW_MUNICIPALITY, user, municipality)
    return affiliation


def affiliation_delete(*, user: AbstractUser, municipality: Municipality) -> None:
    """End an affiliation and take back the object permissions it granted."""
    with transaction.atomic():
        Affiliation.objects.filter(user=user, municipality=municipality).delete()
        remove_perm(ACT_FOR_MUNICIPALITY, user, municipality)
        remove_perm(VIEW_MUNICIPALITY, user, municipality)


def number_next(*, prefix: str, year: int, width: int = 5) -> str:
    """The next number of a series such as ``MF-2026-00042``; call inside a transaction."""
    key = f"{prefix}-{year}"
    with transaction.atomic():
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=key)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
    return f"{key}-{sequence.last_value:0{width}d}"
