"""Background tasks (django-tasks) of the reports app. Arguments are plain ids, so any
backend can queue them; each task may run twice without a second effect."""

from __future__ import annotations

from django_tasks import task

from reports.services import notice_render, report_export_run


@task()
def notice_render_task(*, notice_id: int) -> str:
    """Render and attach the PDF of an issued notice; returns its SHA-256."""
    return notice_render(notice_id=notice_id).sha256


@task()
def report_export_task(*, export_id: int) -> str:
    """Write a queued export (such as the annual report); returns its status."""
    return report_export_run(export_id=export_id).status
