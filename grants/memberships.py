"""Membership changes pushed one at a time (the network platform's API) and the rules
the file import (``grants.imports.memberships_import``) shares with them.

The rules: a municipality is named by its AGS (8 digits) and must be known; the status
is one of ``MembershipStatus.Status`` (the import also takes the German words); a
municipality has at most one change per day (``membership_status_one_per_day``).
The file import is the platform's full export and replaces a day's status; a single
pushed change never silently overwrites a different status of the same day.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import change_record
from grants.errors import GrantsError
from grants.models import MembershipStatus, Municipality
from grants.selectors import membership_status_on

AGS_PATTERN = re.compile(r"[0-9]{8}")

MEMBERSHIP_ALIASES = {
    **{value: value for value in MembershipStatus.Status.values},
    "beantragt": MembershipStatus.Status.APPLIED,
    "aktiv": MembershipStatus.Status.ACTIVE,
    "ruhend": MembershipStatus.Status.SUSPENDED,
    "ausgesetzt": MembershipStatus.Status.SUSPENDED,
    "beendet": MembershipStatus.Status.ENDED,
    "ausgetreten": MembershipStatus.Status.ENDED,
}

NOTE_MAX_LENGTH = MembershipStatus._meta.get_field("note").max_length


class MembershipRefused(GrantsError):
    """The change breaks a rule (unknown municipality, unknown status, bad note)."""


class MembershipConflict(GrantsError):
    """Another status is already recorded for that municipality and day."""


def membership_status_parse(value: str) -> str:
    """The status code for ``value`` (``aktiv`` or ``active`` → ``active``)."""
    status = MEMBERSHIP_ALIASES.get(value.strip().lower())
    if status is None:
        raise MembershipRefused(
            _("Status »%(value)s« ist unbekannt (erlaubt: beantragt, aktiv, ruhend, beendet).")
            % {"value": value.strip()[:40]}
        )
    return str(status)


def municipality_for_ags(*, ags: str) -> Municipality:
    if not AGS_PATTERN.fullmatch(ags):
        raise MembershipRefused(_("AGS »%(ags)s« hat nicht 8 Ziffern.") % {"ags": ags}, code="ags_format")
    try:
        return Municipality.objects.get(ags=ags)
    except Municipality.DoesNotExist:
        raise MembershipRefused(_("Gemeinde %(ags)s ist nicht bekannt.") % {"ags": ags}, code="unknown_ags") from None


def note_is_plain_text(value: str) -> bool:
    """One line of text the database can store: no control characters, no lone surrogates."""
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class MembershipChange:
    record: MembershipStatus
    created: bool


def membership_change_record(
    *,
    ags: str,
    status: str,
    since: datetime.date,
    note: str = "",
    actor=None,
    comment: str = "",
    api_client: str = "",
) -> MembershipChange:
    """Record that ``ags`` has ``status`` from ``since`` on; idempotent.

    The same change again returns the recorded one (``created=False``) and writes
    nothing. A different status on the same day raises ``MembershipConflict``. A new
    change is written to the history (``core.changes``) on the municipality, with the
    status it had on that day before and the API client that sent it.
    """
    if status not in MembershipStatus.Status.values:
        status = membership_status_parse(status)
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise MembershipRefused(_("Die Bemerkung hat mehr als %(n)d Zeichen.") % {"n": NOTE_MAX_LENGTH})
    if not note_is_plain_text(note):
        raise MembershipRefused(_("Die Bemerkung enthält Steuerzeichen oder ungültige Zeichen."))
    with transaction.atomic():
        # One change per municipality at a time: two pushes of the same day meet here.
        municipality = municipality_for_ags(ags=ags)
        municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
        existing = MembershipStatus.objects.filter(municipality=municipality, since=since).first()
        if existing is not None:
            if existing.status == status:
                return MembershipChange(record=existing, created=False)
            raise MembershipConflict(
                _("Für %(ags)s ist zum %(day)s schon der Status »%(status)s« erfasst.")
                % {"ags": ags, "day": f"{since:%d.%m.%Y}", "status": existing.get_status_display()},
                code="conflict",
            )
        before = membership_status_on(municipality=municipality, day=since)
        record = MembershipStatus.objects.create(municipality=municipality, status=status, since=since, note=note)
        changes = {"status": (before, status), "since": since}
        if note:
            changes["note"] = note
        if api_client:
            changes["api_client"] = api_client
        change_record(
            actor=actor,
            subject=municipality,
            action="grants.membership.recorded",
            changes=changes,
            comment=comment,
        )
    return MembershipChange(record=record, created=True)
