"""Warnings every office page shows above its content, for whichever process it belongs to."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from budgets.base_rates import base_rate_can_add, base_rate_missing_from


def base_rate_warning(user) -> dict:
    """``base_rate_missing``: the first day without a rate if today's half-year has none;
    ``base_rate_url``: the page to enter it, for those who may."""
    missing = base_rate_missing_from(day=timezone.localdate())
    if missing is None:
        return {"base_rate_missing": None, "base_rate_url": ""}
    allowed, _reason = base_rate_can_add(user=user)
    return {"base_rate_missing": missing, "base_rate_url": reverse("base_rate_list") if allowed else ""}
