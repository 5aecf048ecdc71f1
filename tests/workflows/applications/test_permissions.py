"""One permission function per office action: the page's buttons and the service's refusal agree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.models import Application
from grants.roles import Role
from tests import factories
from tests.conftest import PASSWORD
from workflows.applications import services
from workflows.applications.flows import ApplicationFlow, open_task_for
from workflows.applications.permissions import (
    application_can_claim,
    application_can_decide,
    application_can_review,
)
from workflows.common.errors import WorkflowError

S = Application.Status


@pytest.fixture
def setting(applicant, gardelegen, programme_year, active_members):
    return {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}


@pytest.fixture
def second_clerk(db):
    return factories.user_with_roles("sachbearbeitung-2", Role.CLERK)


def test_a_clerk_must_hold_the_review_task_before_the_service_acts(setting, clerk, second_clerk):
    application = factories.in_review(**setting)
    ask = {"application_id": application.pk, "message": "Bitte das Angebot nachreichen."}

    assert tuple(application_can_review(user=clerk, application=application)) == (
        False,
        "Bitte übernehmen Sie die Aufgabe zuerst.",
    )
    with pytest.raises(WorkflowError) as caught:
        services.application_request_info(clerk=clerk, **ask)
    assert caught.value.code == "not_claimed"

    services.application_claim(user=second_clerk, application_id=application.pk)
    allowed, reason = application_can_review(user=clerk, application=application)
    assert not allowed
    assert reason == "Diese Aufgabe bearbeitet sachbearbeitung-2."
    with pytest.raises(WorkflowError, match=r"Diese Aufgabe bearbeitet sachbearbeitung-2\.") as caught:
        services.application_request_info(clerk=clerk, **ask)
    assert caught.value.code == "claimed_by_other"

    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application_can_review(user=second_clerk, application=application).allowed
    services.application_request_info(clerk=second_clerk, **ask)
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED


def test_the_recommender_can_neither_take_nor_decide_the_decision(setting, clerk):
    both = factories.user_with_roles("beides", Role.CLERK, Role.APPROVER)
    application = factories.recommended(**setting, clerk=both)
    task = open_task_for(application=application, node=ApplicationFlow.decision)

    for answer in (
        application_can_claim(user=both, application=application, task=task),
        application_can_decide(user=both, application=application),
    ):
        assert not answer.allowed
        assert answer.code == "four_eyes"
        assert "Vier-Augen-Prinzip" in answer.reason
    with pytest.raises(WorkflowError) as caught:
        services.task_claim(user=both, task_id=task.pk, application_id=application.pk)
    assert caught.value.code == "four_eyes"
    with pytest.raises(WorkflowError) as caught:
        services.application_approve(approver=both, application_id=application.pk)
    assert caught.value.code == "four_eyes"
    assert open_task_for(application=application, node=ApplicationFlow.decision).owner_id is None


def test_the_decision_page_shows_the_buttons_the_permission_allows(setting, clerk, approver, client):
    application = factories.recommended(**setting, clerk=clerk)
    url = reverse("office_decision", kwargs={"pk": application.pk})
    client.login(username=approver.username, password=PASSWORD)

    page = client.get(url).content.decode()
    assert 'value="claim"' in page
    assert 'value="approve"' not in page

    services.application_claim(user=approver, application_id=application.pk)
    page = client.get(url).content.decode()
    assert 'value="approve"' in page
    assert 'value="release"' in page
