"""What other apps ask of the reports app: a notice's PDF rendered after commit, an export queued.

The background tasks (``reports.tasks``) call ``reports.services``; this module queues
them. So the imports run one way, requests → tasks → services, without a cycle.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.models import ProgrammeYear
from grants.roles import has_role
from reports.errors import ReportsError
from reports.exports import EXPORTERS
from reports.models import ReportExport
from reports.services import EXPORT_ROLES
from reports.tasks import notice_render_task, report_export_task


def notice_render_schedule(*, notice_id: int) -> None:
    """Render the notice's PDF once the issuing transaction has committed."""
    transaction.on_commit(lambda: notice_render_task.enqueue(notice_id=notice_id))


def report_export_request(*, user: AbstractUser, exporter: str, year: int) -> ReportExport:
    """Queue an export for a background task; one export per report and year at a time."""
    if not any(has_role(user, role) for role in EXPORT_ROLES):
        raise ReportsError(_("Berichte sind dem Controlling und der Administration vorbehalten."), code="forbidden")
    if exporter not in EXPORTERS:
        raise ReportsError(_("Diesen Bericht gibt es nicht."), code="not_found")
    if not ProgrammeYear.objects.filter(year=year).exists():
        raise ReportsError(_("Das Programmjahr %(year)d gibt es nicht.") % {"year": year}, code="not_found")
    try:
        with transaction.atomic():
            export = ReportExport.objects.create(exporter=exporter, year=year, requested_by=user)
            export_id = export.pk
            transaction.on_commit(lambda: report_export_task.enqueue(export_id=export_id))
    except IntegrityError:
        raise ReportsError(
            _("Dieser Bericht wird für %(year)d bereits erstellt. Bitte warten Sie, bis er fertig ist.")
            % {"year": year},
            code="running",
        ) from None
    return export
