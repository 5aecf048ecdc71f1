"""Reminders about the proof of use: at most one "due soon" and one "overdue" e-mail per proof,
however often cron runs the command; overdue proofs are listed for the clerks."""

from __future__ import annotations

import datetime
import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from grants.models import ProofOfUse
from reports.models import Notice
from tests.builders import submitted
from workflows.models import AuditRecord
from workflows.proofs import reminders
from workflows.proofs import services as proofs

TODAY = timezone.localdate


def run(capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_proof_reminders", stdout=out)
    return out.getvalue()


def set_due(application, days_from_today: int) -> None:
    ProofOfUse.objects.filter(application=application).update(
        due_date=TODAY() + datetime.timedelta(days=days_from_today)
    )


def test_the_command_opens_missing_proofs_and_sends_nothing_early(approved, django_capture_on_commit_callbacks):
    # As for applications approved before proofs were opened at approval.
    AuditRecord.objects.filter(proof_of_use__application=approved).delete()
    ProofOfUse.objects.filter(application=approved).delete()
    output = run(django_capture_on_commit_callbacks)
    proof = ProofOfUse.objects.get(application=approved)
    assert proof.due_date == datetime.date(2027, 3, 20)
    assert "Neu angelegte Verwendungsnachweise: 1" in output
    assert mail.outbox == []
    assert "Neu angelegte Verwendungsnachweise: 0" in run(django_capture_on_commit_callbacks)


def test_due_soon_once_then_overdue_once(approved, django_capture_on_commit_callbacks):
    proofs.proof_of_use_open(application_id=approved.pk)
    set_due(approved, 15)  # outside the 14 days
    run(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    set_due(approved, 14)
    output = run(django_capture_on_commit_callbacks)
    assert "Erinnerungen vor Fristablauf versendet: 1" in output
    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert "bald fällig" in reminder.subject
    assert approved.file_number in reminder.subject
    due = (TODAY() + datetime.timedelta(days=14)).strftime("%d.%m.%Y")
    assert due in reminder.body
    # One e-mail to the applicant contacts: the contact address and the author of the application.
    assert sorted(reminder.to) == ["antrag@example.org", "kontakt@gardelegen.example"]

    # Run again (cron every hour): nothing new.
    output = run(django_capture_on_commit_callbacks)
    assert "Erinnerungen vor Fristablauf versendet: 0" in output
    assert len(mail.outbox) == 1

    set_due(approved, -1)
    output = run(django_capture_on_commit_callbacks)
    assert "Mahnungen nach Fristablauf versendet: 1" in output
    assert "Überfällige Verwendungsnachweise: 1" in output
    assert f"{approved.file_number}  Gardelegen, Hansestadt  fällig seit" in output
    assert len(mail.outbox) == 2
    assert "überfällig" in mail.outbox[1].subject

    output = run(django_capture_on_commit_callbacks)
    assert "Mahnungen nach Fristablauf versendet: 0" in output
    # Still listed for the clerks while it is missing.
    assert "Überfällige Verwendungsnachweise: 1" in output
    assert len(mail.outbox) == 2

    proof = ProofOfUse.objects.get(application=approved)
    assert proof.due_soon_reminded_at is not None
    assert proof.overdue_reminded_at is not None
    assert list(
        AuditRecord.objects.filter(application=approved, action__startswith="grants.proof_of_use.reminded")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["grants.proof_of_use.reminded_due_soon", "grants.proof_of_use.reminded_overdue"]


def test_first_seen_when_already_overdue_gets_only_the_overdue_mail(approved, django_capture_on_commit_callbacks):
    proofs.proof_of_use_open(application_id=approved.pk)
    set_due(approved, -30)
    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        f"Verwendungsnachweis zu Ihrem Antrag {approved.file_number} ist überfällig"
    ]


def test_a_submitted_proof_is_not_reminded(approved, applicant, django_capture_on_commit_callbacks):
    submitted(approved, applicant)
    set_due(approved, -1)
    output = run(django_capture_on_commit_callbacks)
    assert "Überfällige Verwendungsnachweise: 0" in output
    assert mail.outbox == []


def test_a_past_run_can_be_replayed_with_a_date(approved, django_capture_on_commit_callbacks):
    proofs.proof_of_use_open(application_id=approved.pk)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_proof_reminders", date="2027-03-10", stdout=out)
    assert "Erinnerungen vor Fristablauf versendet: 1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_proof_reminders", date="10.03.2027")


def test_a_lost_race_sends_nothing(approved, django_capture_on_commit_callbacks):
    # Another run set the field between our query and our update: only the winner sends.
    proof = proofs.proof_of_use_open(application_id=approved.pk)
    ProofOfUse.objects.filter(pk=proof.pk).update(due_soon_reminded_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders._remind(
            proof.pk,
            field="due_soon_reminded_at",
            action="grants.proof_of_use.reminded_due_soon",
            event="proof_due_soon",
            comment="",
        )
    assert sent is None
    assert mail.outbox == []


def test_the_overdue_letter_prints_the_proofs_own_due_date_and_a_new_time_limit(
    approved, django_capture_on_commit_callbacks
):
    """Issue 13, item 12: the letter printed the year's default (20.03. of the next year)."""
    proofs.proof_of_use_open(application_id=approved.pk)
    set_due(approved, -2)
    run(django_capture_on_commit_callbacks)
    notice = Notice.objects.get(application=approved, kind=Notice.Kind.PROOF_OF_USE_REMINDER)
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    own_due = TODAY() - datetime.timedelta(days=2)
    new_limit = TODAY() + datetime.timedelta(days=reminders.GRACE_DAYS)
    assert f"bis zum {own_due:%d.%m.%Y} vorzulegen" in text
    default = datetime.date.fromisoformat(notice.snapshot["proof_of_use_deadline"])
    assert default != own_due and f"{default:%d.%m.%Y}" not in text
    assert f"bis zum {new_limit:%d.%m.%Y} vor (neue Frist)" in text
    assert "§ 49 Abs. 3 Satz 1 Nr. 2 VwVfG" in text and "widerrufen" in text
    assert "Bescheidnummer" not in text
