"""The viewflow process that carries the human tasks of one application.

The application's own state machine (``grants.Application.status``) stays the state
of record; the process only holds the tasks that put the application into the
clerks' and approvers' queues (``workflows.applications.flows``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from grants.models import Application


class ApplicationProcess(Process):
    """One process per application, from the start of the review to the decision."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="office_processes", verbose_name=_("Antrag")
    )

    class Meta:
        verbose_name = _("Bearbeitungsvorgang")
        verbose_name_plural = _("Bearbeitungsvorgänge")
        # viewflow adds "manage" when the flow class is built; declared here so the
        # migration state does not depend on whether workflows.applications.flows was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")

    def __str__(self) -> str:
        return f"{self.application.file_number or self.application_id} ({self.get_status_display()})"
