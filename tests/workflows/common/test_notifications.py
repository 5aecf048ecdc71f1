"""E-mails leave after commit, through the task framework: at once by default, or
through the database queue and its worker in production."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests import factories
from workflows.applications import services


@pytest.fixture
def application(applicant, gardelegen, programme_year, active_members):
    return factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


def test_no_mail_when_the_transaction_rolls_back(application, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.application_submit(user=applicant, application_id=application.pk)
        raise RuntimeError("Abbruch nach der Einreichung")
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == "draft"


# The worker opens and closes its own connections, as in production: real commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_backend_queues_the_mail_for_the_worker(settings, application, applicant):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.application_submit(user=applicant, application_id=application.pk)
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mail.outbox) == 1
    assert "Eingangsbestätigung" in mail.outbox[0].subject
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_a_plain_text_mail_shows_the_title_as_typed(
    applicant, gardelegen, programme_year, active_members, django_capture_on_commit_callbacks
):
    """Text mails are not HTML: "&" and quotes arrive as typed, not as &amp; or &quot;."""
    application = factories.draft(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, title='Jung & Alt "gemeinsam"'
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=application.pk)
    [message] = mail.outbox
    assert 'Vorhaben: Jung & Alt "gemeinsam"' in message.body
    assert "&amp;" not in message.body
    assert message.body.endswith("Geschäftsstelle Zukunftsraum Demografie\n")
