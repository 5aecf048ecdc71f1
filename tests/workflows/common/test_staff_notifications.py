"""E-mails to the office: one test per event and recipient (what the person reads), the
choice of immediately / daily digest / off, the digest itself, the e-mail log, and
nothing after a rollback."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from accounts.models import UserProfile
from grants.models import Application, SentEmail
from grants.roles import Role
from tests import factories
from tests.builders import expense, invoice, request, submitted
from workflows.applications import services
from workflows.applications.flows import open_task_for
from workflows.common.staff_notifications import staff_digest_send, staff_notify
from workflows.models import StaffNotification
from workflows.payouts import services as payouts
from workflows.proofs import services as proofs

N = UserProfile.StaffNotifications
SITE = "http://127.0.0.1:8000"


def inbox(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def choose(user, choice: str, *, language: str = "de") -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"staff_notifications": choice, "language": language})


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def second_clerk(db):
    return factories.user_with_roles("sachbearbeitung-2", Role.CLERK, first_name="Sven", last_name="Zweit")


@pytest.fixture
def second_approver(db):
    return factories.user_with_roles("bewilligung-2", Role.APPROVER)


@pytest.fixture
def draft(applicant, gardelegen, programme_year, active_members):
    return factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


@pytest.fixture
def in_review(applicant, gardelegen, programme_year, active_members, clerk):
    """In review, the task claimed by ``clerk``."""
    return factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk)


# --- new review task after a submission ---------------------------------------------------


def test_a_submission_tells_every_clerk(
    draft, applicant, clerk, second_clerk, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=draft.pk)
    [message] = inbox(clerk)
    assert inbox(second_clerk) == [message]  # one message to the group, in its language
    assert inbox(approver) == []
    assert message.subject == "Neuer Antrag zur Prüfung: MF-2026-00001"
    assert message.body.startswith("Guten Tag,\n\nein neuer Antrag wartet")
    assert "MF-2026-00001 („Moderation Dorfwerkstatt Demografie“, Gardelegen, Hansestadt)" in message.body
    assert "Beantragt: 2.550,00\u00a0€" in message.body
    assert f"Zum Vorgang: {SITE}/arbeitskorb/{draft.pk}/" in message.body
    logged = SentEmail.objects.get(kind="staff_review_task")
    assert logged.application_id == draft.pk
    assert sorted(logged.recipient_list) == sorted([clerk.email, second_clerk.email])
    assert logged.body == message.body


def test_an_english_clerk_reads_english(draft, applicant, clerk, second_clerk, django_capture_on_commit_callbacks):
    choose(clerk, N.IMMEDIATE, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=draft.pk)
    [english] = inbox(clerk)
    [german] = inbox(second_clerk)
    assert english.to == [clerk.email]
    assert english.subject == "New application for review: MF-2026-00001"
    assert english.body.startswith("Hello,\n\na new application is waiting in the clerks' queue")
    assert "Requested: €2,550.00" in english.body
    assert "You can switch this notification to a daily digest" in english.body
    assert german.subject == "Neuer Antrag zur Prüfung: MF-2026-00001"
    assert set(SentEmail.objects.filter(kind="staff_review_task").values_list("language", flat=True)) == {"de", "en"}


# --- answers received ---------------------------------------------------------------------


def _asked(application, clerk):
    return services.application_request_info(
        clerk=clerk, application_id=application.pk, message="Bitte Tagesordnung nachreichen."
    )


def test_the_answer_goes_to_the_clerk_who_holds_the_task(
    in_review, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    asked = _asked(in_review, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_resubmit(user=applicant, application_id=asked.pk, answer="Die Tagesordnung liegt bei.")
    [message] = inbox(clerk)
    assert inbox(second_clerk) == []
    assert message.subject == "Antwort der Kommune zum Antrag MF-2026-00001"
    assert "hat die Rückfrage zum Antrag MF-2026-00001" in message.body
    assert "Antwort:\nDie Tagesordnung liegt bei." in message.body
    assert f"{SITE}/arbeitskorb/{in_review.pk}/" in message.body
    assert SentEmail.objects.get(kind="staff_answer_received").application_id == in_review.pk


def test_without_the_clerk_every_clerk_hears_the_answer(
    in_review, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    asked = _asked(in_review, clerk)
    clerk.is_active = False  # left the office meanwhile
    clerk.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_resubmit(user=applicant, application_id=asked.pk, answer="Die Tagesordnung liegt bei.")
    [message] = inbox(second_clerk)
    assert message.subject == "Antwort der Kommune zum Antrag MF-2026-00001"
    assert inbox(clerk) == []


# --- decisions waiting, and back to the clerk ------------------------------------------------


def test_a_recommendation_asks_every_approver_to_decide(
    in_review, clerk, approver, second_approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_recommend(
            clerk=clerk,
            application_id=in_review.pk,
            recommendation=Application.Recommendation.APPROVE,
            amount="2500.00",
            reason="Fördervoraussetzungen erfüllt.",
        )
    [message] = inbox(approver)
    assert inbox(second_approver) == [message]
    assert inbox(clerk) == []
    assert message.subject == "Entscheidung erbeten: Antrag MF-2026-00001"
    assert "Empfehlung: Bewilligung empfohlen, 2.500,00\u00a0€" in message.body
    assert "Fördervoraussetzungen erfüllt." in message.body
    assert f"{SITE}/arbeitskorb/{in_review.pk}/entscheidung/" in message.body
    assert SentEmail.objects.get(kind="staff_decision_waiting").application_id == in_review.pk


def test_a_recommendation_sent_back_returns_to_its_clerk(
    applicant,
    gardelegen,
    programme_year,
    active_members,
    clerk,
    second_clerk,
    approver,
    django_capture_on_commit_callbacks,
):
    application = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    services.application_claim(user=approver, application_id=application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_send_back(
            approver=approver, application_id=application.pk, reason="Bitte den Tagessatz erläutern."
        )
    [message] = inbox(clerk)
    assert inbox(second_clerk) == [] and inbox(approver) == []
    assert message.subject == "Antrag MF-2026-00001 zur erneuten Prüfung zurückgegeben"
    assert "Begründung:\nBitte den Tagessatz erläutern." in message.body


def test_nobody_hears_of_their_own_step(in_review, clerk, approver, django_capture_on_commit_callbacks):
    """A person in both groups recommends: the other approver is asked, they are not."""
    both = factories.user_with_roles("beides", Role.CLERK, Role.APPROVER)
    services.task_release(user=clerk, task_id=open_task_for(application=in_review).pk)
    services.application_claim(user=both, application_id=in_review.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_recommend(
            clerk=both,
            application_id=in_review.pk,
            recommendation=Application.Recommendation.REJECT,
            reason="Kein Mitglied.",
        )
    assert inbox(both) == []
    [message] = inbox(approver)
    assert "Empfehlung: Ablehnung empfohlen" in message.body


# --- payouts waiting for check and release ----------------------------------------------------


def test_a_payout_request_waits_for_the_clerks(
    approved, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        payout = request(approved, applicant, invoice("1200.00"))
    [message] = inbox(clerk)
    assert inbox(second_clerk) == [message]
    assert message.subject == "Mittelabruf MA-2026-00001 zum Antrag MF-2026-00001 wartet auf Prüfung"
    assert "Abgerufener Betrag: 1.200,00\u00a0€" in message.body
    assert f"{SITE}/auszahlungen/{payout.pk}/" in message.body
    assert SentEmail.objects.get(kind="staff_payout_check").application_id == approved.pk


def test_documents_sent_go_to_the_clerk_who_asked(
    approved, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    payout = request(approved, applicant, invoice("1200.00"))
    payouts.payout_request_documents(clerk=second_clerk, payout_id=payout.pk, message="Bitte den Kontoauszug.")
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_resubmit(user=applicant, payout_id=payout.pk, answer="Kontoauszug hochgeladen.")
    [message] = inbox(second_clerk)
    assert inbox(clerk) == []
    assert message.subject == "Unterlagen zum Mittelabruf MA-2026-00001 nachgereicht"
    assert "Antwort:\nKontoauszug hochgeladen." in message.body


def test_a_checked_payout_waits_for_the_approvers(
    approved, applicant, clerk, approver, second_approver, django_capture_on_commit_callbacks
):
    payout = request(approved, applicant, invoice("1200.00"))
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_check(clerk=clerk, payout_id=payout.pk, amount="1000.00", note="Eine Position nicht belegt.")
    [message] = inbox(approver)
    assert inbox(second_approver) == [message]
    assert inbox(clerk) == []
    assert message.subject == "Mittelabruf MA-2026-00001 zum Antrag MF-2026-00001 wartet auf Freigabe"
    assert "Anerkannter Betrag: 1.000,00\u00a0€" in message.body


def test_a_payout_sent_back_waits_for_the_clerks_again(
    approved, applicant, clerk, approver, django_capture_on_commit_callbacks
):
    payout = request(approved, applicant, invoice("1200.00"))
    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    with django_capture_on_commit_callbacks(execute=True):
        payouts.payout_send_back(approver=approver, payout_id=payout.pk, reason="Rechnung R-1 fehlt.")
    [message] = inbox(clerk)
    assert inbox(approver) == []
    assert "wartet auf Prüfung" in message.subject
    assert "Von der Bewilligung zurückgegeben mit der Begründung:\nRechnung R-1 fehlt." in message.body


# --- proofs of use waiting for review -----------------------------------------------------------


def test_a_proof_of_use_waits_for_the_clerks(
    approved, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proof = submitted(approved, applicant, expense("1200.00"), expense("45.50", issuer="Bahn", cost_type="travel"))
    [message] = inbox(clerk)
    assert inbox(second_clerk) == [message]
    assert message.subject == "Verwendungsnachweis zum Antrag MF-2026-00001 wartet auf Prüfung"
    assert "Summe der angegebenen Ausgaben: 1.245,50\u00a0€" in message.body
    assert f"{SITE}/arbeitskorb/verwendungsnachweise/{proof.pk}/" in message.body
    assert SentEmail.objects.get(kind="staff_proof_review").application_id == approved.pk


def test_a_returned_proof_comes_back_to_the_clerk_who_returned_it(
    approved, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    proof = submitted(approved, applicant, expense("1200.00"))
    proofs.proof_start_review(clerk=second_clerk, proof_id=proof.pk)
    proofs.proof_return(clerk=second_clerk, proof_id=proof.pk, message="Bitte die Reisekosten belegen.")
    with django_capture_on_commit_callbacks(execute=True):
        submitted(approved, applicant, expense("1200.00"))
    [message] = inbox(second_clerk)
    assert inbox(clerk) == []
    assert message.subject == "Verwendungsnachweis zum Antrag MF-2026-00001 wartet auf Prüfung"


# --- the choice: immediately, digest, off ----------------------------------------------------------


def test_off_sends_nothing_and_keeps_nothing(draft, applicant, clerk, second_clerk, django_capture_on_commit_callbacks):
    choose(clerk, N.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=applicant, application_id=draft.pk)
    assert inbox(clerk) == []
    assert len(inbox(second_clerk)) == 1
    assert not StaffNotification.objects.exists()


def test_digest_waits_for_the_daily_run(
    draft, applicant, clerk, second_clerk, approver, django_capture_on_commit_callbacks
):
    choose(clerk, N.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(user=applicant, application_id=draft.pk)
    assert inbox(clerk) == []
    [pending] = StaffNotification.objects.all()
    assert (pending.user, pending.event, pending.application, pending.sent_at) == (
        clerk,
        "review_task",
        application,
        None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("staff_digest_send", verbosity=0)
    [digest] = inbox(clerk)
    assert digest.to == [clerk.email]
    assert digest.subject == "Tagesübersicht der Geschäftsstelle vom 25.11.2026"
    assert "- Neuer Antrag zur Prüfung: MF-2026-00001 (25.11.2026)" in digest.body
    assert f"  {SITE}/arbeitskorb/{application.pk}/" in digest.body
    assert f"Zur Warteschlange: {SITE}/arbeitskorb/warteschlange/" in digest.body
    logged = SentEmail.objects.get(kind="staff_digest")
    assert logged.application_id is None
    assert logged.recipient_list == [clerk.email]
    pending.refresh_from_db()
    assert pending.sent_at is not None
    assert inbox(approver) == []


def test_digest_collects_several_items_and_is_sent_once(
    in_review, applicant, clerk, approver, django_capture_on_commit_callbacks
):
    choose(approver, N.DIGEST, language="en")
    asked = _asked(in_review, clerk)
    services.application_resubmit(user=applicant, application_id=asked.pk, answer="Liegt bei.")
    factories.override_failed(in_review, clerk)  # the answer runs the rules again
    services.application_recommend(
        clerk=clerk,
        application_id=in_review.pk,
        recommendation=Application.Recommendation.APPROVE,
        reason="Fördervoraussetzungen erfüllt.",
    )
    assert StaffNotification.objects.filter(user=approver).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send() == 0  # run twice: one e-mail
    [digest] = inbox(approver)
    assert digest.subject == "Programme office digest of 25 Nov 2026"
    assert digest.body.startswith("Hello,\n\nsince the last digest, the following has arrived for you:")
    assert "- Decision requested: application MF-2026-00001" in digest.body
    assert SentEmail.objects.filter(kind="staff_digest").count() == 1


def test_one_digest_lists_every_item_of_the_day(
    applicant,
    gardelegen,
    bindlach,
    foreign_applicant,
    programme_year,
    active_members,
    clerk,
    django_capture_on_commit_callbacks,
):
    choose(clerk, N.DIGEST)
    first = factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    second = factories.in_review(applicant=foreign_applicant, municipality=bindlach, programme_year=programme_year)
    with django_capture_on_commit_callbacks(execute=True):
        staff_digest_send()
    [digest] = inbox(clerk)
    assert digest.body.index(first.file_number) < digest.body.index(second.file_number)
    assert digest.body.count("- Neuer Antrag zur Prüfung:") == 2


def test_an_empty_digest_sends_nothing(clerk, django_capture_on_commit_callbacks):
    choose(clerk, N.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send() == 0
    assert mail.outbox == []
    assert not SentEmail.objects.exists()


def test_who_turned_the_digest_off_meanwhile_gets_none(draft, applicant, clerk, django_capture_on_commit_callbacks):
    choose(clerk, N.DIGEST)
    services.application_submit(user=applicant, application_id=draft.pk)
    choose(clerk, N.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send() == 0
    assert mail.outbox == []
    assert not StaffNotification.objects.exists()


# --- the transaction -----------------------------------------------------------------------------


def test_nothing_leaves_when_the_transaction_rolls_back(
    draft, applicant, clerk, second_clerk, django_capture_on_commit_callbacks
):
    choose(second_clerk, N.DIGEST)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.application_submit(user=applicant, application_id=draft.pk)
        raise RuntimeError("Abbruch nach der Einreichung")
    assert mail.outbox == []
    assert not SentEmail.objects.exists()
    assert not StaffNotification.objects.exists()


def test_staff_notify_refuses_an_unknown_event(draft, clerk):
    with pytest.raises(ValueError):
        staff_notify(recipients=[clerk], event="unbekannt", application=draft, context={})
