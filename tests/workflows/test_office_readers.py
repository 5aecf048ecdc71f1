"""Controllers and administrators read every office page and change nothing there."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.builders import approved_application
from tests.builders import request as payout_request

pytestmark = pytest.mark.usefixtures("sepa_debtor")

# Every button that posts an action on the office pages.
ACTION_BUTTON = re.compile(r'<button[^>]*name="action"[^>]*value="(\w+)"')


@pytest.fixture
def files(approved, applicant, gardelegen, programme_year, clerk, approver, foreign_applicant, bindlach):
    in_review = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk
    )
    recommended = factories.recommended(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, title="Zweites"
    )
    payout = payout_request(approved, applicant)
    # Bindlach's approval, never called by the deadline for invoices: a candidate for the lapse.
    approved_application(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        approver=approver,
    )
    programme_year.invoice_deadline = timezone.localdate() - datetime.timedelta(days=1)
    programme_year.save(update_fields=["invoice_deadline"])
    return {
        "office_review": reverse("office_review", kwargs={"pk": in_review.pk}),
        "office_decision": reverse("office_decision", kwargs={"pk": recommended.pk}),
        "payout_office_detail": reverse("payout_office_detail", kwargs={"pk": payout.pk}),
        "proof_office_review": reverse("proof_office_review", kwargs={"pk": approved.proof_of_use.pk}),
        "budget_lapse": reverse("budget_lapse", kwargs={"year": programme_year.year}),
    }


@pytest.mark.parametrize("reader", ["controller", "admin_user"])
def test_readers_see_the_pages_without_a_button_and_cannot_post(reader, request, files, clerk):
    client = Client()
    client.force_login(request.getfixturevalue(reader))
    for name, url in files.items():
        if name == "budget_lapse" and reader == "controller":
            continue  # the lapse is the office's; the controller sees its result on the budget page
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert ACTION_BUTTON.findall(page) == [], name
        assert "verfallen lassen" not in page, name
        assert client.post(url, {"action": "claim"}).status_code == 403, name


@pytest.mark.parametrize("reader", ["controller", "admin_user"])
def test_readers_see_the_whole_queue(reader, request, files):
    client = Client()
    client.force_login(request.getfixturevalue(reader))
    page = client.get(reverse("office_queue")).content.decode()
    assert files["office_review"] in page
    assert files["office_decision"] in page


def test_the_clerk_on_the_same_pages_has_the_buttons(files, clerk, approver):
    """The control: what the readers miss is there for the office."""
    client = Client()
    client.force_login(clerk)
    assert "request_info" in ACTION_BUTTON.findall(client.get(files["office_review"]).content.decode())
    assert "check" in ACTION_BUTTON.findall(client.get(files["payout_office_detail"]).content.decode())
    assert "verfallen lassen" in client.get(files["budget_lapse"]).content.decode()
    client.force_login(approver)
    assert "claim" in ACTION_BUTTON.findall(client.get(files["office_decision"]).content.decode())
