"""The one writer of ``ChangeRecord``: every change of master data is recorded here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

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


# How the history pages name what was done. Actions not listed here show their code.
ACTION_LABELS = {
    "api.client.created": _("API-Zugang angelegt"),
    "api.client.revoked": _("API-Zugang widerrufen"),
    "auth.user.deactivated": _("Konto deaktiviert"),
    "auth.user.reactivated": _("Konto wieder aktiviert"),
    "auth.user.roles_set": _("Rollen geändert"),
    "core.legal_page.updated": _("Rechtstext geändert"),
    "grants.affiliation.created": _("Zuordnung zur Kommune bestätigt"),
    "grants.affiliation.ended": _("Zuordnung zur Kommune beendet"),
    "grants.affiliation_request.created": _("Zuordnung angefragt"),
    "grants.affiliation_request.withdrawn": _("Anfrage zurückgezogen"),
    "grants.invitation.accepted": _("Einladung angenommen"),
    "grants.invitation.created": _("Einladung verschickt"),
    "grants.invitation.revoked": _("Einladung zurückgenommen"),
    "grants.legal_text.changed": _("Textbaustein geändert"),
    "grants.legal_text.created": _("Textbaustein angelegt"),
    "grants.membership.recorded": _("Mitgliedschaft erfasst"),
    "grants.municipality.address_changed": _("Anschrift geändert"),
    "grants.municipality.main_contact_set": _("Hauptansprechperson bestimmt"),
    "grants.programme_year.changed": _("Programmjahr geändert"),
    "grants.programme_year.created": _("Programmjahr angelegt"),
}

# Keys that are not fields of the model the caller names.
EXTRA_LABELS = {
    "api_client": _("API-Zugang"),
    "status": _("Status"),
    "since": _("Seit"),
    "note": _("Bemerkung"),
    "roles": _("Rollen"),
}


@dataclass(frozen=True)
class ChangeLine:
    at: Any
    who: str
    what: str
    details: list[tuple[str, str, str | None]]  # label, before (or the value), after
    comment: str


def _shown(value: Any, choices: dict) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(_shown(item, choices) for item in value) or "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nein"))
    return str(choices.get(value, value))


def change_lines(
    records, *, model: type[models.Model] | None = None, value_labels: dict[str, dict] | None = None
) -> list[ChangeLine]:
    """``records`` as lines to read, newest first, in the language of the page: the
    action's name, and each changed field with its label (the verbose names of
    ``model``) and, for fields with choices (or keys in ``value_labels``), the label
    of the value instead of its code."""
    labels: dict[str, Any] = dict(EXTRA_LABELS)
    choices: dict[str, dict] = {}
    if model is not None:
        for field in model._meta.fields:
            labels[field.name] = field.verbose_name
            if field.choices:
                choices[field.name] = dict(field.flatchoices)
    choices.update(value_labels or {})
    lines = []
    for record in records:
        details = []
        for key, value in record.changes.items():
            known = choices.get(key, {})
            label = str(labels.get(key, key))
            if isinstance(value, list) and len(value) == 2:
                details.append((label, _shown(value[0], known), _shown(value[1], known)))
            else:
                details.append((label, _shown(value, known), None))
        actor = record.actor
        lines.append(
            ChangeLine(
                at=record.at,
                who=(actor.get_full_name() or actor.get_username()) if actor else str(_("System")),
                what=str(ACTION_LABELS.get(record.action, record.action)),
                details=details,
                comment=record.comment,
            )
        )
    return list(reversed(lines))
