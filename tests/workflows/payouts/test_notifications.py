"""What the municipality reads about each step of its payout request: received,
documents asked for, released, paid (with the SEPA execution date and the value date),
rejected, withdrawn. Each e-mail is filed with its application in the e-mail log and
leaves only after the commit."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accounts.services import profile_update
from grants.models import SentEmail
from tests.builders import invoice, released, request
from tests.clock import TODAY, berlin
from workflows.payouts import sepa
from workflows.payouts import services as payouts

CONTACT = "kontakt@gardelegen.example"
MUNICIPALITY = ["antrag@example.org", CONTACT]


@pytest.fixture(autouse=True)
def debtor(sepa_debtor):
    return sepa_debtor


def to_municipality() -> list:
    return [message for message in mail.outbox if CONTACT in message.to or "antrag@example.org" in message.to]


def only(kind: str):
    """The one message of ``kind`` the municipality got, checked against its log entry."""
    [logged] = SentEmail.objects.filter(kind=kind)
    [message] = [message for message in to_municipality() if message.subject == logged.subject]
    assert sorted(message.to) == MUNICIPALITY
    assert logged.body == message.body
    return message, logged


def test_a_request_is_acknowledged(approved, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request(approved, applicant, invoice("1200.00"))
    message, logged = only("payout_requested")
    assert message.subject == "Eingangsbestätigung: Mittelabruf MA-2026-00001 zu Ihrem Antrag MF-2026-00001"
    assert "Ihr Mittelabruf MA-2026-00001 zum Antrag MF-2026-00001" in message.body
    assert "Abgerufener Betrag: 1.200,00\u00a0€" in message.body
    assert "Eingegangen am: 25.11.2026" in message.body
    assert logged.application_id == approved.pk


def test_documents_asked_for_carry_the_clerks_message(approved, applicant, clerk, django_capture_on_commit_callbacks):
    payout = request(approved, applicant, invoice("1200.00"))
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_request_documents(
            clerk=clerk, payout_id=payout.pk, message="Bitte laden Sie den Kontoauszug zur Rechnung R-1 hoch."
        )
    message, logged = only("payout_documents_requested")
    assert message.subject == "Unterlagen zum Mittelabruf MA-2026-00001 nachgefordert"
    assert "Bitte laden Sie den Kontoauszug zur Rechnung R-1 hoch." in message.body
    assert logged.application_id == approved.pk


def test_a_release_names_the_amount_to_be_paid(
    approved, applicant, clerk, approver, django_capture_on_commit_callbacks
):
    payout = request(approved, applicant, invoice("1200.00"))
    payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount="1100.00", note="Eine Quittung fehlt.")
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_release(approver=approver, payout_id=payout.pk)
    message, logged = only("payout_released")
    assert message.subject == "Mittelabruf MA-2026-00001 zu Ihrem Antrag MF-2026-00001 freigegeben"
    assert "Auszuzahlender Betrag: 1.100,00\u00a0€ (abgerufen: 1.200,00\u00a0€)" in message.body
    assert "Prüfvermerk: Eine Quittung fehlt." in message.body
    assert "Empfänger: Hansestadt Gardelegen" in message.body
    assert logged.application_id == approved.pk


def _paid(approved, *, applicant, clerk, approver, clock, django_capture_on_commit_callbacks):
    released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1200.00")
    batch = sepa.sepa_batch_create(approver=approver, execution_date=TODAY + datetime.timedelta(days=2))
    sepa.sepa_batch_mark_exported(approver=approver, batch_id=batch.pk)
    clock.move_to(berlin(2026, 11, 30, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        sepa.sepa_batch_book_paid(user=approver, batch_id=batch.pk, value_date=datetime.date(2026, 11, 30))


def test_a_payment_names_execution_and_value_date(
    approved, applicant, clerk, approver, clock, django_capture_on_commit_callbacks
):
    _paid(
        approved,
        applicant=applicant,
        clerk=clerk,
        approver=approver,
        clock=clock,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    message, logged = only("payout_paid")
    assert message.subject == "Mittelabruf MA-2026-00001 zu Ihrem Antrag MF-2026-00001 ausgezahlt"
    assert "Überwiesener Betrag: 1.200,00\u00a0€" in message.body
    assert "Ausführungsdatum der Überweisung: 27.11.2026" in message.body
    assert "Wertstellung: 30.11.2026" in message.body
    assert "Verwendungszweck: Zuwendung Mikrofoerderung MF-2026-00001, Mittelabruf MA-2026-00001" in message.body
    assert logged.application_id == approved.pk


def test_an_english_reader_gets_the_payment_in_english(
    approved, applicant, clerk, approver, clock, django_capture_on_commit_callbacks
):
    profile_update(user=applicant, first_name="Anja", last_name="Antrag", function="", language="en")
    _paid(
        approved,
        applicant=applicant,
        clerk=clerk,
        approver=approver,
        clock=clock,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    [english] = SentEmail.objects.filter(kind="payout_paid", language="en")
    assert english.recipient_list == ["antrag@example.org"]
    assert english.subject == "Payout request MA-2026-00001 for your application MF-2026-00001 paid"
    assert english.body.startswith("Hello,\n\npayout request MA-2026-00001 for application MF-2026-00001")
    assert "Amount transferred: €1,200.00" in english.body
    assert "Execution date of the transfer: 27 Nov 2026" in english.body
    assert "Value date: 30 Nov 2026" in english.body
    [german] = SentEmail.objects.filter(kind="payout_paid", language="de")
    assert german.recipient_list == [CONTACT]


def test_a_rejection_gives_the_reason(approved, applicant, clerk, django_capture_on_commit_callbacks):
    payout = request(approved, applicant, invoice("1200.00"))
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_reject(clerk=clerk, payout_id=payout.pk, reason="Die Rechnung betrifft ein anderes Vorhaben.")
    message, logged = only("payout_rejected")
    assert message.subject == "Mittelabruf MA-2026-00001 zu Ihrem Antrag MF-2026-00001 abgelehnt"
    assert "über 1.200,00\u00a0€ können wir nicht auszahlen" in message.body
    assert "Begründung:\nDie Rechnung betrifft ein anderes Vorhaben." in message.body
    assert logged.application_id == approved.pk


def test_a_withdrawal_is_confirmed(approved, applicant, django_capture_on_commit_callbacks):
    payout = request(approved, applicant, invoice("1200.00"))
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_withdraw(user=applicant, payout_id=payout.pk, reason="Doppelt gestellt.")
    message, logged = only("payout_withdrawn")
    assert message.subject == "Mittelabruf MA-2026-00001 zu Ihrem Antrag MF-2026-00001 zurückgezogen"
    assert "ist zurückgezogen. Er wird nicht ausgezahlt" in message.body
    assert logged.application_id == approved.pk


def test_nothing_leaves_when_the_transaction_rolls_back(approved, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        request(approved, applicant, invoice("1200.00"))
        raise RuntimeError("Abbruch nach dem Mittelabruf")
    assert mail.outbox == []
    assert not SentEmail.objects.exists()


# The worker opens and closes its own connections, as in production: real commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_queue_carries_payout_and_office_mails(settings, approved, applicant, clerk):
    """Plain arguments only (ids, strings): the database backend stores them as JSON."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mail.outbox.clear()  # the approval before, committed and sent at once
    before = SentEmail.objects.count()
    request(approved, applicant, invoice("1200.00"))
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    new = SentEmail.objects.order_by("pk")[before:]
    assert sorted(entry.kind for entry in new) == ["payout_requested", "staff_payout_check"]
    assert {entry.application_id for entry in new} == {approved.pk}
    assert len(mail.outbox) == 2
