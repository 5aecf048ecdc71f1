"""One application from the first form to the approval, each persona in their own
browser session, only through the web pages they use."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from budgets.models import LedgerEntry
from grants.models import Application
from tests.clock import DEADLINE_DAY, berlin
from tests.workflows.applications.test_applicant_flow import PDF, post_data

S = Application.Status


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def claim(client: Client, url: str) -> None:
    task = re.search(r'name="task" value="(\d+)"', client.get(url).content.decode())
    assert task, "no claim button"
    client.post(url, {"action": "claim", "task": task.group(1)})


@pytest.mark.now(DEADLINE_DAY)
def test_from_application_to_approval(
    clock,
    applicant,
    clerk,
    approver,
    gardelegen,
    programme_year,
    active_members,
    structural_c,
    django_capture_on_commit_callbacks,
):
    municipality_browser, clerk_browser, approver_browser = browser(applicant), browser(clerk), browser(approver)

    # The applicant drafts on the deadline day, attaches an offer and submits the next morning.
    with django_capture_on_commit_callbacks(execute=True):
        municipality_browser.post(reverse("applicant_application_new"), post_data())
        application = Application.objects.get()
        municipality_browser.post(
            reverse("applicant_attachment_upload", kwargs={"pk": application.pk}),
            {"file": SimpleUploadedFile("angebot.pdf", PDF, content_type="application/pdf")},
        )
        application.refresh_from_db()
        clock.move_to(berlin(2026, 10, 1, 9, 0))
        municipality_browser.post(
            reverse("applicant_application_edit", kwargs={"pk": application.pk}),
            post_data(revision=application.revision, initial_lines=2, submit="1"),
        )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.attachments.count() == 1
    confirmation, to_clerks = mail.outbox[-2:]
    assert "Eingangsbestätigung" in confirmation.subject
    # The clerks hear of the new task in their queue.
    assert to_clerks.subject == f"Neuer Antrag zur Prüfung: {application.file_number}"

    # The clerk finds it first in the queue (C area), claims it and asks a question.
    review = reverse("office_review", kwargs={"pk": application.pk})
    queue = clerk_browser.get(reverse("office_queue")).content.decode()
    assert application.file_number in queue and "GRW-Fördergebiet C" in queue
    claim(clerk_browser, review)
    with django_capture_on_commit_callbacks(execute=True):
        clerk_browser.post(review, {"action": "request_info", "info-message": "Bitte Tagesordnung nachreichen."})
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert "Bitte Tagesordnung nachreichen." in mail.outbox[-1].body

    # The applicant reads the question on the detail page and answers.
    detail = reverse("applicant_application_detail", kwargs={"pk": application.pk})
    assert "Bitte Tagesordnung nachreichen." in municipality_browser.get(detail).content.decode()
    municipality_browser.post(
        reverse("applicant_application_answer", kwargs={"pk": application.pk}),
        {"answer": "Tagesordnung liegt bei.", "revision": application.revision},
    )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW

    # Back with the same clerk: late submission overridden, approval recommended (reduced).
    content = clerk_browser.get(review).content.decode()
    assert "Tagesordnung liegt bei." in content
    if "Sie bearbeiten diese Aufgabe." not in content:
        claim(clerk_browser, review)
    for result in application.eligibility_results.filter(current=True, outcome="failed"):
        prefix = f"override-{result.pk}"
        clerk_browser.post(review, {"action": prefix, f"{prefix}-reason": "Fristverlängerung per Erlass."})
    clerk_browser.post(
        review,
        {"action": "recommend_approval", "approval-amount": "2.500,00", "approval-reason": "Voraussetzungen erfüllt."},
    )
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED

    # The approver decides.
    decision = reverse("office_decision", kwargs={"pk": application.pk})
    claim(approver_browser, decision)
    with django_capture_on_commit_callbacks(execute=True):
        approver_browser.post(decision, {"action": "approve", "approve-note": ""})
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == Decimal("2500.00")
    assert LedgerEntry.objects.get(application=application).amount == Decimal("2500.00")
    assert "bewilligt" in mail.outbox[-1].subject

    # The municipality sees the decision and its history.
    content = municipality_browser.get(detail).content.decode()
    assert "bewilligt" in content
    assert "Antrag bewilligt" in content
    assert application.file_number in municipality_browser.get(reverse("applicant_home")).content.decode()
    actions = list(application.audit_records.values_list("action", flat=True))
    assert actions.count("grants.application.approved") == 1
