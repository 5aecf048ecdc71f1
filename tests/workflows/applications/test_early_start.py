"""Early start (issue 13, item 2): the municipality asks before approval, an approver allows
(with its own notice) or refuses; the status never moves."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from grants.eligibility import PASSED, rule_no_early_start
from grants.models import Application, LegalTextBlock
from reports.models import Notice
from tests import factories
from workflows.applications.early_start import early_start_decide, early_start_request
from workflows.applications.eligibility import application_facts, year_rules
from workflows.common.errors import WorkflowError
from workflows.models import AuditRecord

REASON = "Der Moderator steht nur im Mai zur Verfügung."


@pytest.fixture
def remedy(programme_year):
    LegalTextBlock.objects.create(
        programme_year=programme_year,
        kind=LegalTextBlock.Kind.REMEDY,
        title="Rechtsbehelfsbelehrung",
        text="Widerspruch binnen eines Monats.",
        printed=True,
    )


@pytest.fixture
def submitted(applicant, gardelegen, programme_year, active_members):
    return factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


def pdf_text(notice: Notice) -> str:
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).replace("\xa0", " ").split())


def started_before_submission(application: Application):
    facts = application_facts(application, day=application.submitted_at.date())
    return dataclasses.replace(facts, period_start=facts.submitted_on - datetime.timedelta(days=3))


def test_allowing_issues_the_consent_and_satisfies_the_rule(
    submitted, applicant, approver, media_root, remedy, django_capture_on_commit_callbacks
):
    status = submitted.status
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    rules = year_rules(submitted.programme_year)
    submitted.refresh_from_db()
    assert rule_no_early_start(started_before_submission(submitted), rules).outcome != PASSED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        early_start_decide(approver=approver, application_id=submitted.pk, allow=True, reason="")
    submitted.refresh_from_db()
    assert submitted.status == status
    assert submitted.early_start_allowed
    assert rule_no_early_start(started_before_submission(submitted), rules).outcome == PASSED
    notice = Notice.objects.get(application=submitted, kind=Notice.Kind.EARLY_START)
    text = pdf_text(notice)
    assert "stimme ich dem vorzeitigen Maßnahmebeginn zu" in text
    assert "keinen Rechtsanspruch auf die Zuwendung" in text
    assert "das Risiko der Kosten" in text
    assert REASON in text
    assert "Widerspruch binnen eines Monats." in text
    actions = list(AuditRecord.objects.filter(application=submitted).values_list("action", flat=True))
    assert "grants.application.early_start_requested" in actions
    assert "grants.application.early_start_allowed" in actions
    [message] = mail.outbox
    assert "Zustimmung zum vorzeitigen Maßnahmebeginn" in message.subject
    assert "keinen Anspruch auf die Zuwendung" in message.body
    assert "Risiko der bereits entstandenen Kosten" in message.body


def test_refusing_needs_a_reason_records_it_and_tells_the_municipality(
    submitted, applicant, approver, django_capture_on_commit_callbacks
):
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    with pytest.raises(WorkflowError, match="Begründung"):
        early_start_decide(approver=approver, application_id=submitted.pk, allow=False, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        early_start_decide(approver=approver, application_id=submitted.pk, allow=False, reason="Kein Eilbedarf.")
    submitted.refresh_from_db()
    assert not submitted.early_start_allowed
    assert submitted.early_start_outcome == Application.EarlyStartOutcome.REFUSED
    assert submitted.early_start_decision_reason == "Kein Eilbedarf."
    assert not Notice.objects.filter(application=submitted, kind=Notice.Kind.EARLY_START).exists()
    assert AuditRecord.objects.filter(application=submitted, action="grants.application.early_start_refused").exists()
    [message] = mail.outbox
    assert "nicht zugelassen" in message.subject
    assert "können wir nicht zustimmen" in message.body
    assert "Kein Eilbedarf." in message.body
    with pytest.raises(WorkflowError):
        early_start_decide(approver=approver, application_id=submitted.pk, allow=True, reason="")


def test_a_clerk_cannot_decide_and_a_reason_is_needed(submitted, applicant, clerk):
    with pytest.raises(WorkflowError, match="Begründung"):
        early_start_request(user=applicant, application_id=submitted.pk, reason="")
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    with pytest.raises(WorkflowError):
        early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    with pytest.raises(WorkflowError):
        early_start_decide(approver=clerk, application_id=submitted.pk, allow=True, reason="")
    submitted.refresh_from_db()
    assert not submitted.early_start_allowed


def test_not_after_approval(approved, applicant, approver):
    with pytest.raises(WorkflowError):
        early_start_request(user=applicant, application_id=approved.pk, reason=REASON)
    Application.objects.filter(pk=approved.pk).update(early_start_requested_at=approved.decided_at)
    with pytest.raises(WorkflowError):
        early_start_decide(approver=approver, application_id=approved.pk, allow=True, reason="")


def test_a_draft_cannot_ask(applicant, gardelegen, programme_year, active_members):
    draft = factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    with pytest.raises(WorkflowError):
        early_start_request(user=applicant, application_id=draft.pk, reason=REASON)


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Bitte begründen Sie, warum Sie vorzeitig beginnen möchten"),
        ("x" * 10_001, "höchstens"),
        ("\x00<script>alert(1)</script>", None),
    ],
)
def test_the_request_page_answers_hostile_input(client, submitted, applicant, reason, message):
    client.force_login(applicant)
    url = reverse("applicant_application_early_start", kwargs={"pk": submitted.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": reason})
    assert response.status_code in (200, 302)
    submitted.refresh_from_db()
    if message is not None:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert submitted.early_start_requested_at is None


def test_the_request_page_records_the_request(client, submitted, applicant):
    client.force_login(applicant)
    detail = client.get(reverse("applicant_application_detail", kwargs={"pk": submitted.pk})).content.decode()
    assert "Vorzeitigen Maßnahmebeginn beantragen" in detail
    response = client.post(
        reverse("applicant_application_early_start", kwargs={"pk": submitted.pk}), {"reason": REASON}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.early_start_reason == REASON
    detail = client.get(reverse("applicant_application_detail", kwargs={"pk": submitted.pk})).content.decode()
    assert "Vorzeitigen Maßnahmebeginn beantragen" not in detail


# --- the approver's page ------------------------------------------------------------------


def early_start_url(application) -> str:
    return reverse("office_early_start", kwargs={"pk": application.pk})


def test_the_approver_allows_on_the_page_and_the_case_offers_it(
    client_for, submitted, applicant, approver, media_root, remedy, django_capture_on_commit_callbacks
):
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    client = client_for(approver)
    case = client.get(reverse("case_detail", kwargs={"pk": submitted.pk})).content.decode()
    assert early_start_url(submitted) in case
    page = client.get(early_start_url(submitted)).content.decode()
    assert REASON in page and 'name="decision"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(early_start_url(submitted), {"decision": "allow", "reason": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.early_start_allowed
    assert Notice.objects.filter(application=submitted, kind=Notice.Kind.EARLY_START).exists()
    # Decided: the case page no longer offers it, the page shows no form.
    assert (
        early_start_url(submitted)
        not in client.get(reverse("case_detail", kwargs={"pk": submitted.pk})).content.decode()
    )
    assert 'name="decision"' not in client.get(early_start_url(submitted)).content.decode()


def test_a_refusal_without_reason_is_asked_for_at_its_field_and_keeps_the_choice(
    client_for, submitted, applicant, approver
):
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    response = client_for(approver).post(early_start_url(submitted), {"decision": "refuse", "reason": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bitte begründen Sie die Ablehnung." in page
    assert re.search(r'<input[^>]*value="refuse"[^>]*checked', page)
    submitted.refresh_from_db()
    assert submitted.early_start_outcome == ""


@pytest.mark.parametrize(
    "data",
    [{}, {"decision": "maybe"}, {"decision": "refuse", "reason": "x" * 20_000}, {"decision": "allow\x00"}],
)
def test_hostile_decisions_change_nothing_and_never_fail(client_for, submitted, applicant, approver, data):
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    response = client_for(approver).post(early_start_url(submitted), data)
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.early_start_outcome == "" and not submitted.early_start_allowed


def test_clerks_and_controllers_read_the_page_but_cannot_decide(client_for, submitted, applicant, clerk, controller):
    early_start_request(user=applicant, application_id=submitted.pk, reason=REASON)
    for user in (clerk, controller):
        client = client_for(user)
        page = client.get(early_start_url(submitted)).content.decode()
        assert REASON in page and 'name="decision"' not in page
    assert client_for(controller).post(early_start_url(submitted), {"decision": "allow"}).status_code == 403
    assert client_for(clerk).post(early_start_url(submitted), {"decision": "allow"}).status_code == 403
    submitted.refresh_from_db()
    assert not submitted.early_start_allowed
