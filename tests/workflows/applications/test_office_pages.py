"""The review and decision pages through the web: the whole path, four-eyes, claims, roles."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from budgets.models import LedgerEntry
from grants.models import Application, CostType, EligibilityResult
from grants.roles import Role
from tests.conftest import PASSWORD
from tests.factories import while_open
from workflows.applications import services
from workflows.applications.flows import open_task_for, sync_tasks_for
from workflows.applications.services import CostLineInput
from workflows.models import ApplicationProcess

S = Application.Status


def user_with_roles(username: str, *roles: Role, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def submitted_application(*, applicant, municipality, programme_year) -> Application:
    """As the applicant would: a draft with a cost plan (started before the deadline), then submitted into review."""
    with while_open(programme_year):
        application = services.application_create(
            user=applicant,
            municipality=municipality,
            programme_year=programme_year,
            data={
                "title": "Moderation Zukunftswerkstatt Altmark",
                "goals": "Leitbild für die Ortsteile",
                "description": "Zwei moderierte Werkstätten mit Bürgerinnen und Bürgern.",
                "purpose": Application.Purpose.MODERATION,
                "period_start": datetime.date(2026, 12, 1),
                "period_end": datetime.date(2026, 12, 20),
                "requested_amount": Decimal("2550.00"),
                "contact_name": "Anja Antrag",
                "contact_email": "kontakt@gardelegen.example",
                "account_holder": "Hansestadt Gardelegen",
                "iban": "DE02120300000000202051",
                "declaration_no_early_start": True,
                "declaration_no_double_funding": True,
            },
            cost_lines=[
                CostLineInput(
                    cost_type=CostType.objects.get(code="moderation"),
                    description="Moderation zweier Werkstätten",
                    days=Decimal("3"),
                    day_rate=Decimal("850.00"),
                )
            ],
        )
    application = services.application_submit(user=applicant, application_id=application.pk)
    # Stands in for the call the services will make themselves once they are wired.
    sync_tasks_for(application, actor=applicant)
    return application


@pytest.fixture
def application(applicant, gardelegen, programme_year, active_members, structural_c):
    return submitted_application(applicant=applicant, municipality=gardelegen, programme_year=programme_year)


def review_url(application) -> str:
    return reverse("office_review", kwargs={"pk": application.pk})


def decision_url(application) -> str:
    return reverse("office_decision", kwargs={"pk": application.pk})


def task_id(client, url) -> int:
    match = re.search(r'name="task" value="(\d+)"', client.get(url).content.decode())
    assert match, "no claim form on the page"
    return int(match.group(1))


def claim(client, url):
    return client.post(url, {"action": "claim", "task": task_id(client, url)}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def override_all_failed(client, application) -> None:
    for result in application.eligibility_results.filter(current=True, outcome="failed"):
        prefix = f"override-{result.pk}"
        response = client.post(
            review_url(application), {"action": prefix, f"{prefix}-reason": "Fristverlängerung per Erlass."}
        )
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == review_url(application) + "#pruefung"


def test_clerk_and_approver_take_the_application_to_approval(application, clerk, approver):
    clerk_client, approver_client = Client(), Client()
    clerk_client.force_login(clerk)
    approver_client.force_login(approver)

    # The clerk finds it in the queue and opens it.
    queue = clerk_client.get(reverse("office_queue")).content.decode()
    assert application.file_number in queue
    page = clerk_client.get(review_url(application))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Übernehmen" in content
    assert "Moderation zweier Werkstätten" in content
    assert "2.550,00\u00a0€" in content
    assert "Antragsfrist" in content and "nach der Antragsfrist 30.09.2026" in content
    assert "1/r1" in content
    assert "Eingereicht" in content  # history
    assert "Bewilligung empfehlen" not in content  # not claimed yet

    response = claim(clerk_client, review_url(application))
    assert "Sie haben die Aufgabe übernommen." in messages_of(response)
    content = response.content.decode()
    assert "Sie bearbeiten diese Aufgabe." in content
    assert "Regel »Antragsfrist« übersteuern" in content

    # Submitted on 25.11.2026 after the deadline: the clerk overrides with a reason.
    deadline = application.eligibility_results.get(current=True, rule="deadline")
    assert deadline.outcome == "failed"
    override_all_failed(clerk_client, application)
    deadline.refresh_from_db()
    assert deadline.overridden_by == clerk
    assert deadline.override_reason == "Fristverlängerung per Erlass."
    assert "Prüfregel übersteuert" in clerk_client.get(review_url(application)).content.decode()

    # German decimal input, reduced amount.
    response = clerk_client.post(
        review_url(application),
        {"action": "recommend_approval", "approval-amount": "2.500,00", "approval-reason": "Voraussetzungen erfüllt."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office_queue")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert application.recommended_amount == Decimal("2500.00")
    assert application.recommended_by == clerk
    assert application.file_number not in clerk_client.get(reverse("office_queue")).content.decode()

    # The approver finds it in the decision queue.
    queue = approver_client.get(reverse("office_queue")).content.decode()
    assert decision_url(application) in queue
    content = approver_client.get(decision_url(application)).content.decode()
    assert "Bewilligung empfohlen" in content
    assert "2.500,00\u00a0€" in content
    assert "Voraussetzungen erfüllt." in content
    assert "Empfehlung abgegeben" in content  # history
    claim(approver_client, decision_url(application))
    response = approver_client.post(decision_url(application), {"action": "approve", "approve-note": "Gern."})
    assert response.status_code == 302

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.decided_by == approver
    entry = LedgerEntry.objects.get(application=application)
    assert (entry.kind, entry.amount) == ("commitment", Decimal("2500.00"))
    assert open_task_for(application=application) is None
    assert ApplicationProcess.objects.get(application=application).status == PROCESS.DONE
    done = {
        task.flow_task.name: task.owner
        for task in Task.objects.filter(process__applicationprocess__application=application, status=STATUS.DONE)
        if task.flow_task.name in ("review", "decision")
    }
    assert done == {"review": clerk, "decision": approver}
    content = approver_client.get(decision_url(application)).content.decode()
    assert "Bewilligt" in content
    assert "Bewilligen</span>" not in content


def test_rejection_recommended_then_rejected(application, clerk, approver, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    response = client.post(
        review_url(application), {"action": "recommend_rejection", "rejection-reason": "Kein Bezug zur Demografie."}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.recommendation) == (S.RECOMMENDED, "reject")

    client.force_login(approver)
    content = client.get(decision_url(application)).content.decode()
    assert "Ablehnung empfohlen" in content
    claim(client, decision_url(application))
    content = client.get(decision_url(application)).content.decode()
    assert 'value="approve"' not in content
    response = client.post(decision_url(application), {"action": "reject", "reject-reason": "Wie empfohlen."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert not LedgerEntry.objects.exists()


def test_request_info_and_send_back_return_the_file_to_the_clerk(application, applicant, clerk, approver, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    response = client.post(
        review_url(application), {"action": "request_info", "info-message": "Bitte Angebot nachreichen."}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert open_task_for(application=application) is None
    assert application.file_number not in client.get(reverse("office_queue")).content.decode()

    services.application_resubmit(user=applicant, application_id=application.pk, answer="Angebot liegt bei.")
    sync_tasks_for(application, actor=applicant)
    task = open_task_for(application=application)
    assert (task.flow_task.name, task.owner) == ("review", clerk)
    assert "Sie bearbeiten diese Aufgabe." in client.get(review_url(application)).content.decode()

    override_all_failed(client, application)
    client.post(
        review_url(application),
        {"action": "recommend_approval", "approval-amount": "2550", "approval-reason": "Erfüllt."},
    )
    client.force_login(approver)
    claim(client, decision_url(application))
    response = client.post(decision_url(application), {"action": "send_back", "send_back-reason": "Tagessatz prüfen."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    task = open_task_for(application=application)
    assert (task.flow_task.name, task.owner) == ("review", clerk)


def test_four_eyes_refusal_through_the_web(application):
    both = user_with_roles("beides", Role.CLERK, Role.APPROVER)
    client = Client()
    client.force_login(both)
    claim(client, review_url(application))
    override_all_failed(client, application)
    client.post(
        review_url(application),
        {"action": "recommend_approval", "approval-amount": "2.550,00", "approval-reason": "Erfüllt."},
    )
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED

    content = client.get(decision_url(application)).content.decode()
    assert "Vier-Augen-Prinzip" in content
    assert 'value="approve"' not in content
    assert 'value="claim"' not in content

    # Even a hand-made request is refused by the service, with its message.
    client.post(decision_url(application), {"action": "claim", "task": open_task_for(application=application).pk})
    response = client.post(decision_url(application), {"action": "approve", "approve-note": ""})
    assert response.status_code == 200
    assert "Vier-Augen-Prinzip: Wer die Empfehlung abgegeben hat, kann nicht selbst entscheiden." in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert not LedgerEntry.objects.exists()


def test_two_clerks_claim_the_same_task_second_gets_a_message(application, clerk):
    other = user_with_roles("sachbearbeitung-2", Role.CLERK, first_name="Otto", last_name="Zweiter")
    first, second = Client(), Client()
    first.force_login(clerk)
    second.force_login(other)
    # Both opened the page while the task was free.
    stale_task = task_id(second, review_url(application))
    assert "Sie haben die Aufgabe übernommen." in messages_of(claim(first, review_url(application)))

    response = second.post(review_url(application), {"action": "claim", "task": stale_task}, follow=True)
    assert "Diese Aufgabe hat bereits sachbearbeitung übernommen." in messages_of(response)
    assert open_task_for(application=application).owner == clerk
    content = response.content.decode()
    assert "Diese Aufgabe bearbeitet sachbearbeitung." in content
    assert 'value="recommend_approval"' not in content

    # Nor can the second clerk act by hand.
    response = second.post(
        review_url(application), {"action": "request_info", "info-message": "Meine Frage"}, follow=True
    )
    assert "Diese Aufgabe bearbeitet sachbearbeitung." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


def test_actions_need_a_claim_first(application, clerk, client):
    client.force_login(clerk)
    response = client.post(
        review_url(application), {"action": "request_info", "info-message": "Bitte Angebot nachreichen."}
    )
    assert response.status_code == 200
    assert "Bitte übernehmen Sie die Aufgabe zuerst." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


def test_release_puts_the_task_back(application, clerk, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    response = client.post(
        review_url(application), {"action": "release", "task": open_task_for(application=application).pk}, follow=True
    )
    assert "Die Aufgabe ist zurück in der Warteschlange." in messages_of(response)
    assert open_task_for(application=application).owner is None


def test_form_errors_are_german_and_linked(application, clerk, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    override_all_failed(client, application)
    response = client.post(
        review_url(application), {"action": "recommend_approval", "approval-amount": "zwei", "approval-reason": ""}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben." in content
    assert 'href="#id_approval-amount"' in content
    assert 'aria-invalid="true"' in content
    assert "Fehler:" in content
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


def test_service_refusal_is_shown_on_the_form(application, clerk, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    # The deadline rule is not yet overridden; more than requested is refused too.
    response = client.post(
        review_url(application),
        {"action": "recommend_approval", "approval-amount": "2.550,00", "approval-reason": "Erfüllt."},
    )
    assert "Nicht erfüllte Fördervoraussetzungen müssen erst übersteuert werden: deadline." in (
        response.content.decode()
    )
    override_all_failed(client, application)
    response = client.post(
        review_url(application),
        {"action": "recommend_approval", "approval-amount": "3.000,00", "approval-reason": "Erfüllt."},
    )
    assert "darf den beantragten Betrag von 2.550,00\u00a0€ nicht übersteigen" in response.content.decode()
    # The typed text stays.
    assert "Erfüllt." in response.content.decode()


def test_status_changed_behind_the_clerks_back(application, applicant, clerk, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    # The status changes without the tasks following (as if the tasks were out of step):
    # the service still refuses, and its message is shown.
    Application.objects.filter(pk=application.pk).update(status=S.WITHDRAWN)
    response = client.post(
        review_url(application), {"action": "request_info", "info-message": "Bitte Angebot nachreichen."}
    )
    assert "Diese Aktion ist im Status »zurückgezogen« nicht möglich." in response.content.decode()

    # Once the tasks follow the status, the page still says why, and that no task is left.
    sync_tasks_for(application, actor=applicant)
    response = client.post(
        review_url(application), {"action": "request_info", "info-message": "Bitte Angebot nachreichen."}
    )
    assert "Diese Aktion ist im Status »zurückgezogen« nicht möglich." in response.content.decode()
    assert "Zu diesem Antrag gibt es hier keine offene Aufgabe." in response.content.decode()


def test_override_needs_a_reason(application, clerk, client):
    client.force_login(clerk)
    claim(client, review_url(application))
    result = application.eligibility_results.get(current=True, rule="deadline")
    prefix = f"override-{result.pk}"
    response = client.post(review_url(application), {"action": prefix, f"{prefix}-reason": "  "})
    assert response.status_code == 200
    assert f'href="#id_{prefix}-reason"' in response.content.decode()
    assert not EligibilityResult.objects.filter(pk=result.pk, overridden_by__isnull=False).exists()


def test_unknown_action_is_refused(application, clerk, client):
    client.force_login(clerk)
    response = client.post(review_url(application), {"action": "zaubern"}, follow=True)
    assert "Unbekannte Aktion. Bitte laden Sie die Seite neu." in messages_of(response)


@pytest.mark.parametrize("url_name", ["office_queue", "office_review", "office_decision"])
@pytest.mark.parametrize("persona", ["applicant", "foreign_applicant"])
def test_office_pages_are_closed_to_other_roles(request, client_for, application, url_name, persona):
    kwargs = {} if url_name == "office_queue" else {"pk": application.pk}
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse(url_name, kwargs=kwargs), {"action": "claim"}).status_code == 403


@pytest.mark.parametrize("url_name", ["office_queue", "office_review", "office_decision"])
def test_the_controller_reads_the_office_pages_and_posts_nothing(client_for, application, controller, url_name):
    kwargs = {} if url_name == "office_queue" else {"pk": application.pk}
    client = client_for(controller)
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 200
    assert client.post(reverse(url_name, kwargs=kwargs), {"action": "claim"}).status_code == 403


@pytest.mark.parametrize("url_name", ["office_queue", "office_review", "office_decision"])
def test_anonymous_visitors_are_sent_to_the_login(client, application, url_name):
    kwargs = {} if url_name == "office_queue" else {"pk": application.pk}
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_decision_page_is_for_approvers(client_for, application, clerk, approver):
    assert client_for(clerk).get(decision_url(application)).status_code == 403
    assert client_for(approver).get(review_url(application)).status_code == 200


def test_drafts_and_unknown_files_are_not_found(client_for, clerk, applicant, gardelegen, programme_year):
    with while_open(programme_year):
        draft = services.application_create(
            user=applicant, municipality=gardelegen, programme_year=programme_year, data={"title": "Entwurf"}
        )
    client = client_for(clerk)
    assert client.get(review_url(draft)).status_code == 404
    assert client.get(reverse("office_review", kwargs={"pk": 999999})).status_code == 404


def test_attachments_link_to_the_download(application, clerk, applicant, client_for):
    from grants.models import Attachment

    Attachment.objects.create(
        application=application,
        token="abc123",
        file="attachments/2026/1/abc123",
        original_name="Angebot Moderation.pdf",
        content_type="application/pdf",
        size=2048,
        uploaded_by=applicant,
    )
    attachment = application.attachments.get()
    content = client_for(clerk).get(review_url(application)).content.decode()
    assert f"/antraege/{application.pk}/anlagen/{attachment.pk}/" in content
    assert "Angebot Moderation.pdf" in content


def test_worklist_leads_to_the_queue(client_for, clerk, programme_year):
    # The start page (workflows/cases/due.py) links the open tasks to the queue.
    response = client_for(clerk).get(reverse("worklist"))
    assert response.status_code == 200
    assert f'href="{reverse("office_queue")}"' in response.content.decode()
