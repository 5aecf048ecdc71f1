"""Sending the proof-of-use reminder of several proofs at once from the clerks' list.

Each proof goes through ``proof_reminder_send``, the clerk's on-demand reminder, which
shares its core with the daily job: the same audit record (with the clerk as actor),
the same letter after the deadline, the same e-mail to the municipality, each at most
once, whoever is first.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants.models import ProofOfUse
from reports.models import Notice
from tests.builders import approved_application, open_payout_window, submitted
from tests.factories import moderation_lines
from workflows.bulk import services as bulk
from workflows.models import AuditRecord
from workflows.proofs import reminders
from workflows.proofs.reminders import proof_reminder_send, proof_reminders_send

from .test_claim import result_rows

TOKEN = "r" * 22
TODAY = timezone.localdate


def day(offset: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=offset)


def german(date: datetime.date) -> str:
    return f"{date:%d.%m.%Y}"


@pytest.fixture
def proofs(applicant, gardelegen, programme_year, active_members, clerk, approver):
    """Four approved files of Gardelegen (850 EUR each, within the cap), their proofs due at different days."""
    open_payout_window(programme_year)
    made = {}
    for name, due in (("soon", 10), ("late", -3), ("early", 60), ("submitted", 5)):
        application = approved_application(
            applicant=applicant,
            municipality=gardelegen,
            programme_year=programme_year,
            clerk=clerk,
            approver=approver,
            lines=moderation_lines(days="1"),
            requested_amount=Decimal("850.00"),
            title=f"Vorhaben {name}",
        )
        ProofOfUse.objects.filter(application=application).update(due_date=day(due))
        made[name] = application
    submitted(made["submitted"], applicant)
    return {name: ProofOfUse.objects.get(application=application) for name, application in made.items()}


def post(client, *proof_ids, token: str = TOKEN):
    return client.post(
        reverse("proof_office_remind"), {"token": token, "ausgewaehlt": [str(proof_id) for proof_id in proof_ids]}
    )


def test_a_mix_sends_the_due_ones_and_says_why_not_for_the_rest(
    client_for, clerk, proofs, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            proofs["soon"].pk,
            proofs["late"].pk,
            proofs["early"].pk,
            proofs["submitted"].pk,
            424242,
        )
    assert response["Location"] == reverse("bulk_result", kwargs={"token": TOKEN})
    html = client.get(response["Location"]).content.decode()
    number = {name: proof.application.file_number for name, proof in proofs.items()}
    assert result_rows(html, "done") == [
        (number["soon"], f"Erinnerung an die Frist {german(day(10))} versandt."),
        (number["late"], f"Mahnung versandt (Frist {german(day(-3))} überschritten)."),
    ]
    assert result_rows(html, "refused") == [
        (
            number["early"],
            f"Eine Erinnerung ist erst ab dem {german(day(46))} vorgesehen "
            f"(14 Tage vor der Frist am {german(day(60))}).",
        ),
        (number["submitted"], "Der Verwendungsnachweis ist bereits eingereicht."),
        ("Verwendungsnachweis 424242", "Der Verwendungsnachweis wurde nicht gefunden."),
    ]
    assert sorted(message.subject for message in mail.outbox) == sorted(
        [
            f"Erinnerung: Verwendungsnachweis zu Ihrem Antrag {number['soon']} bald fällig",
            f"Verwendungsnachweis zu Ihrem Antrag {number['late']} ist überfällig",
        ]
    )
    # After the deadline the reminder is a letter of record too, signed by the clerk who sent it.
    letter = Notice.objects.get(application=proofs["late"].application, kind=Notice.Kind.PROOF_OF_USE_REMINDER)
    assert letter.issued_by == clerk
    assert not Notice.objects.filter(
        application=proofs["soon"].application, kind=Notice.Kind.PROOF_OF_USE_REMINDER
    ).exists()


def test_the_municipality_reads_the_reminder_a_clerk_sent(
    client_for, clerk, proofs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(clerk), proofs["soon"].pk)
    (message,) = mail.outbox
    application = proofs["soon"].application
    assert sorted(message.to) == ["antrag@example.org", "kontakt@gardelegen.example"]
    assert message.subject == f"Erinnerung: Verwendungsnachweis zu Ihrem Antrag {application.file_number} bald fällig"
    body = re.sub(r"\s+", " ", message.body)
    assert body.startswith("Guten Tag,")
    assert (
        f"zu Ihrem Antrag {application.file_number} („Vorhaben soon“) ist der Verwendungsnachweis bis zum "
        f"{german(day(10))} einzureichen." in body
    )
    assert "reichen Sie beim Antrag den Sachbericht und die Liste der tatsächlichen Ausgaben ein" in body
    assert body.strip().endswith("Geschäftsstelle Zukunftsraum Demografie")


def test_the_audit_record_is_the_jobs_with_the_clerk_as_actor(clerk, proofs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proof_reminder_send(clerk=clerk, proof_id=proofs["soon"].pk)
    # The job sends the overdue one; it leaves alone the one the clerk has sent.
    with django_capture_on_commit_callbacks(execute=True):
        run = proof_reminders_send()
    assert [proof.pk for proof in run.overdue_reminded] == [proofs["late"].pk]
    assert run.due_soon == []

    def record(proof):
        return AuditRecord.objects.get(proof_of_use=proof, action__startswith="grants.proof_of_use.reminded")

    by_clerk = record(proofs["soon"])
    assert (by_clerk.action, by_clerk.actor, by_clerk.from_state, by_clerk.to_state) == (
        "grants.proof_of_use.reminded_due_soon",
        clerk,
        "approved",
        "approved",
    )
    assert by_clerk.comment == f"Verwendungsnachweis: offen. Erinnerung an die Frist {german(day(10))}"
    by_job = record(proofs["late"])
    assert (by_job.action, by_job.actor) == ("grants.proof_of_use.reminded_overdue", None)
    assert by_job.comment == f"Verwendungsnachweis: offen. Frist {german(day(-3))} überschritten"
    assert len(mail.outbox) == 2


def test_the_job_first_then_the_clerk_is_refused(clerk, proofs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proof_reminders_send()
    outcome = bulk.proof_reminders_send_many(clerk=clerk, proof_ids=[proofs["soon"].pk, proofs["late"].pk])
    assert outcome.done == []
    assert [line.text for line in outcome.refused] == [
        f"Die Erinnerung ist bereits am {german(TODAY())} versandt.",
        f"Die Mahnung ist bereits am {german(TODAY())} versandt.",
    ]


def test_each_item_goes_through_proof_reminder_send(client_for, clerk, proofs, monkeypatch):
    calls = []
    real = reminders.proof_reminder_send

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(bulk, "proof_reminder_send", spy)
    post(client_for(clerk), proofs["soon"].pk, proofs["early"].pk)
    assert calls == [{"clerk": clerk, "proof_id": proofs["soon"].pk}, {"clerk": clerk, "proof_id": proofs["early"].pk}]


def test_a_repeated_post_sends_nothing_again(client_for, clerk, proofs, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, proofs["soon"].pk)
        response = post(client, proofs["soon"].pk)
    assert len(mail.outbox) == 1
    assert (
        AuditRecord.objects.filter(
            proof_of_use=proofs["soon"], action__startswith="grants.proof_of_use.reminded"
        ).count()
        == 1
    )
    html = client.get(response["Location"]).content.decode()
    assert result_rows(html, "refused") == []
    # A fresh form for the same proof is refused with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, proofs["soon"].pk, token="s" * 22)
    html = client.get(reverse("bulk_result", kwargs={"token": "s" * 22})).content.decode()
    assert result_rows(html, "refused") == [
        (proofs["soon"].application.file_number, f"Die Erinnerung ist bereits am {german(TODAY())} versandt.")
    ]
    assert len(mail.outbox) == 1


def test_a_closed_proof_and_the_clerk_role(clerk, approver, proofs):
    ProofOfUse.objects.filter(pk=proofs["early"].pk).update(
        status=ProofOfUse.Status.ACCEPTED, submitted_at=timezone.now()
    )
    outcome = bulk.proof_reminders_send_many(clerk=clerk, proof_ids=[proofs["early"].pk])
    assert [line.text for line in outcome.refused] == ["Der Verwendungsnachweis ist abgeschlossen (anerkannt)."]
    outcome = bulk.proof_reminders_send_many(clerk=approver, proof_ids=[proofs["soon"].pk])
    assert [line.text for line in outcome.refused] == ["Diese Aktion ist Ihrer Rolle nicht erlaubt."]


def test_the_list_ticks_only_what_is_due(client_for, clerk, controller, proofs):
    page = client_for(clerk).get(reverse("proof_office_list")).content.decode()
    ticked = sorted(int(value) for value in re.findall(r'name="ausgewaehlt" value="(\d+)"', page))
    assert ticked == sorted([proofs["soon"].pk, proofs["late"].pk])
    assert "Bald fällige Verwendungsnachweise" in page
    assert "Erinnerung versenden" in page


def test_readers_see_no_checkboxes_and_a_post_is_refused(client, controller, proofs):
    client.force_login(controller)
    page = client.get(reverse("proof_office_list")).content.decode()
    assert 'name="ausgewaehlt"' not in page
    assert "Erinnerung versenden" not in page
    assert post(client, proofs["soon"].pk).status_code == 403
    assert ProofOfUse.objects.get(pk=proofs["soon"].pk).due_soon_reminded_at is None


def test_nothing_ticked_says_so_in_german(client_for, clerk, proofs):
    response = client_for(clerk).post(reverse("proof_office_remind"), {"token": TOKEN}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("proof_office_list")
    assert "Bitte wählen Sie mindestens einen Verwendungsnachweis aus." in response.content.decode()
