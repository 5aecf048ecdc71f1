"""The one writer of ``ChangeRecord``: every change of master data is recorded here."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import ChangeRecord


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def change_record(
    *,
    actor,
    subject: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    comment: str = "",
) -> ChangeRecord:
    """Record that ``actor`` did ``action`` on ``subject``.

    ``changes`` maps a field to ``(before, after)`` or to a single value; dates,
    decimals and model instances are stored as text so the record reads the same later.
    """
    return ChangeRecord.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:200],
        action=action,
        changes=_plain(changes or {}),
        comment=comment,
    )


def change_history(*, subject: models.Model):
    """The records about ``subject``, oldest first."""
    return ChangeRecord.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).select_related("actor")
