"""The list of all applications as an Excel workbook: the rows the list shows under the
same filters, search and order, one sheet, written by ``reports.exports.base`` in
write-only mode (amounts and dates as real values with their number formats)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import Application, StructuralStatus
from reports.exports.base import BaseExporter, Column, Sheet
from workflows.applications.flows import user_label
from workflows.cases.selectors import office_clerks

CHUNK_SIZE = 2000


class CaseListExport(BaseExporter):
    identifier = "case_list"

    def __init__(self, *, applications: QuerySet, today) -> None:
        self.applications = applications
        self.today = today
        self.verbose_name = _("Anträge")

    def filename(self) -> str:
        return f"antraege-{self.today:%Y-%m-%d}.xlsx"

    def columns(self) -> list[Column]:
        return [
            Column(_("Aktenzeichen"), "text", 16),
            Column(_("Programmjahr"), "int", 12),
            Column(_("Kommune"), "text", 30),
            Column(_("AGS"), "text", 10),
            Column(_("Land"), "text", 20),
            Column(_("Kreis"), "text", 26),
            Column(_("GRW-Fördergebiet"), "text", 20),
            Column(_("Titel des Vorhabens"), "text", 40),
            Column(_("Zweck"), "text", 22),
            Column(_("Ansprechperson"), "text", 22),
            Column(_("Status"), "text", 16),
            Column(_("Eingereicht am"), "date", 14),
            Column(_("Beantragt"), "money", 14),
            Column(_("Bewilligt"), "money", 14),
            Column(_("Sachbearbeitung"), "text", 22),
        ]

    def _rows(self) -> Iterator[tuple]:
        # Everyone who can be a row's clerk, once (a few dozen office users at most).
        users = {user.pk: user_label(user) for user in office_clerks()}
        statuses = dict(Application.Status.choices)
        purposes = dict(Application.Purpose.choices)
        structural = dict(StructuralStatus.Status.choices)
        for application in self.applications.iterator(chunk_size=CHUNK_SIZE):
            municipality = application.municipality
            clerk_id = application.review_owner_id or application.recommended_by_id
            submitted = timezone.localdate(application.submitted_at) if application.submitted_at else None
            yield (
                application.file_number,
                application.programme_year.year,
                municipality.name,
                municipality.ags,
                municipality.land.name,
                municipality.kreis.name if municipality.kreis else "",
                str(structural.get(application.structural_status, "")),
                application.title,
                str(purposes.get(application.purpose, "")),
                application.contact_name,
                str(statuses.get(application.status, application.status)),
                submitted,
                application.requested_amount,
                application.approved_amount,
                users.get(clerk_id, ""),
            )

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(title=_("Anträge"), columns=self.columns(), rows=self._rows())
