"""Payout permissions: the office page's buttons and the services' refusals come from one function each."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants.roles import Role
from tests import factories
from tests.builders import request
from tests.conftest import PASSWORD
from workflows.common.errors import WorkflowError
from workflows.payouts import services as payouts
from workflows.payouts.permissions import payout_can_check, payout_can_release, payout_can_withdraw


@pytest.fixture(autouse=True)
def media(media_root):
    return media_root


def test_whoever_checked_sees_no_release_button_and_the_service_says_the_same(approved, applicant, client):
    both = factories.user_with_roles("pruefung-und-freigabe", Role.CLERK, Role.APPROVER)
    payout = payouts.payout_check(clerk=both, payout_id=request(approved, applicant).pk)

    answer = payout_can_release(user=both, payout=payout)
    assert (answer.allowed, answer.code) == (False, "four_eyes")
    client.login(username=both.username, password=PASSWORD)
    page = client.get(reverse("payout_office_detail", kwargs={"pk": payout.pk})).content.decode()
    assert 'value="release"' not in page
    assert "Sie haben diesen Mittelabruf geprüft." in page
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_release(approver=both, payout_id=payout.pk)
    assert (caught.value.code, caught.value.message) == ("four_eyes", answer.reason)


def test_each_side_is_refused_what_belongs_to_the_other(approved, applicant, clerk):
    payout = request(approved, applicant)
    assert payout_can_check(user=clerk, payout=payout).allowed
    assert payout_can_check(user=applicant, payout=payout).code == "forbidden"
    assert payout_can_withdraw(user=applicant, payout=payout).allowed
    assert payout_can_withdraw(user=clerk, payout=payout).code == "forbidden"

    payouts.payout_check(clerk=clerk, payout_id=payout.pk)
    payout.refresh_from_db()
    answer = payout_can_withdraw(user=applicant, payout=payout)
    assert answer.code == "wrong_state"
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_withdraw(user=applicant, payout_id=payout.pk)
    assert caught.value.message == answer.reason
