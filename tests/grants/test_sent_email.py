"""The e-mail log: every message that left is kept as its recipients got it, filed with
its application when it has one; a change that was rolled back leaves no entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from accounts.services import profile_update
from grants.mail import mail_after_commit
from grants.models import SentEmail
from tests import factories
from workflows.applications import services

CONTACT = "kontakt@gardelegen.example"


@pytest.fixture
def draft(applicant, gardelegen, programme_year, active_members):
    return factories.draft(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        lines=factories.moderation_lines(days="3", rate="411.52"),
        requested_amount=Decimal("1234.56"),
    )


def test_an_application_mail_is_logged_with_its_file(draft, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=draft.pk)
    [message] = mail.outbox
    [logged] = SentEmail.objects.all()
    assert logged.application_id == draft.pk
    assert logged.kind == "submitted"
    assert logged.subject == message.subject
    assert logged.body == message.body
    assert sorted(logged.recipient_list) == sorted(message.to)
    assert logged.language == "de"


def test_one_entry_per_language_group(draft, applicant, django_capture_on_commit_callbacks):
    profile_update(
        user=applicant, first_name=applicant.first_name, last_name=applicant.last_name, function="", language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=draft.pk)
    assert len(mail.outbox) == 2
    logged = {entry.language: entry for entry in SentEmail.objects.filter(application=draft)}
    assert set(logged) == {"de", "en"}
    assert logged["en"].recipient_list == [applicant.email]
    assert logged["de"].recipient_list == [CONTACT]
    assert logged["en"].body.startswith("Hello,")


def test_a_rolled_back_change_leaves_no_entry(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mail_after_commit(
                    template="invitation",
                    subject="Test",
                    recipients=["a@example.org"],
                    context={},
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not SentEmail.objects.exists()
