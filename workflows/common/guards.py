"""What every workflow service does besides its rule: lock the row, check dates near the
project, clean the user's text, keep its records German. Who may act, and in which state,
is each process's ``permissions.py``; the audit trail has its own writer
(``workflows.common.audit``)."""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_day
from grants.models import Application
from workflows.common.errors import WorkflowError

MAX_TEXT = 10_000
# Invoices and expenses of a project lie in its period; a few are dated a little before
# (an offer invoiced early, flagged for the clerk) or after (the final invoice). Further
# away than this, the date is a typing error.
PERIOD_MARGIN_DAYS = 365


def lock_application(application_id: int) -> Application:
    try:
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("municipality", "programme_year")
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise WorkflowError(_("Der Antrag wurde nicht gefunden."), code="not_found") from None


def expect_near_period(application: Application, day: datetime.date, *, what: str, code: str) -> None:
    """Refuse a date of an invoice or expense that cannot belong to the project (``what`` names it)."""
    if application.period_start is None or application.period_end is None:
        return
    margin = datetime.timedelta(days=PERIOD_MARGIN_DAYS)
    first, last = application.period_start - margin, application.period_end + margin
    if not first <= day <= last:
        raise WorkflowError(
            _(
                "%(what)s ist auf den %(day)s datiert. Das passt nicht zum Durchführungszeitraum %(start)s bis "
                "%(end)s; möglich sind Daten vom %(first)s bis zum %(last)s. Bitte prüfen Sie das Datum."
            )
            % {
                "what": what,
                "day": format_day(day),
                "start": format_day(application.period_start),
                "end": format_day(application.period_end),
                "first": format_day(first),
                "last": format_day(last),
            },
            code=code,
        )


def clean_reason(text: str, *, what: str, required: bool = True) -> str:
    """The one check of a reason, note or message typed by a person: trimmed, at most ``MAX_TEXT``.

    ``what`` names it for the message when it is missing ("eine Begründung"); a note that
    may stay empty passes ``required=False``. Longer text is refused, never cut.
    """
    text = (text or "").strip()
    if required and not text:
        raise WorkflowError(_("Bitte geben Sie %(what)s an.") % {"what": what}, code="reason_missing")
    if len(text) > MAX_TEXT:
        raise WorkflowError(_("Der Text ist zu lang (höchstens 10.000 Zeichen)."), code="too_long")
    return text


def clean_line(value: str, *, label: str, max_length: int, required: bool = True) -> str:
    """One line of typed text (an issuer, an invoice number, a street): white space folded, length checked."""
    value = " ".join((value or "").split())
    if required and not value:
        raise WorkflowError(_("Bitte geben Sie %(what)s an.") % {"what": label}, code="incomplete")
    if len(value) > max_length:
        raise WorkflowError(
            _("%(what)s ist zu lang (höchstens %(max)d Zeichen).") % {"what": label, "max": max_length},
            code="too_long",
        )
    return value


def german_records(service):
    """Run a service in the programme's language (German).

    What a service writes (audit comments, eligibility reasons, notices, e-mails) is
    part of the permanent record and must not change language with the user who
    clicked; its error messages are German too.
    """

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return service(*args, **kwargs)

    return wrapper
