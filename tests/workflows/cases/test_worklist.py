"""The clerks' and approvers' start page: what is due, each figure equal to the rows its link shows."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, ProofOfUse
from tests import factories
from tests.builders import expense, in_review, pay
from tests.builders import request as payout_request
from tests.workflows.cases.conftest import file_numbers
from workflows.applications import services
from workflows.cases.due import DUE_ITEMS, QUESTION_UNANSWERED_DAYS
from workflows.payouts.services import payout_check
from workflows.proofs.services import proof_claim_refund

URL = reverse("worklist")
DAY = 60 * 60 * 24
FIGURE_RE = re.compile(
    r'data-due="(?P<key>[^"]+)">\s*<th[^>]*>[^<]*</th>\s*<td[^>]*><a class="kern-link" href="(?P<url>[^"]+)"[^>]*>'
    r"(?P<count>\d+)</a>"
)


def figures(client) -> dict[str, tuple[int, str]]:
    response = client.get(URL)
    assert response.status_code == 200
    return {
        match["key"]: (int(match["count"]), html.unescape(match["url"]))
        for match in FIGURE_RE.finditer(response.content.decode())
    }


def assert_figures_match_their_lists(client) -> dict[str, int]:
    shown = figures(client)
    assert set(shown) == {item.key for item in DUE_ITEMS}
    for key, (count, url) in shown.items():
        assert len(file_numbers(client.get(url))) == count, key
    return {key: count for key, (count, _url) in shown.items()}


@pytest.fixture
def everything_due(approved, files, applicant, foreign_applicant, bindlach, gardelegen, programme_year, clerk, approver,
                   sepa_debtor):  # fmt: skip
    """A file of each due kind (the world of ``files`` has a payout to check and Bindlach in review)."""
    # A question, asked now; and one answered.
    asked = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, title="Gefragt"
    )
    services.application_request_info(clerk=clerk, application_id=asked.pk, message="Bitte Angebot nachreichen.")
    answered = factories.in_review(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, title="Beantwortet"
    )
    services.application_request_info(clerk=clerk, application_id=answered.pk, message="Bitte Tagesordnung.")
    services.application_resubmit(user=applicant, application_id=answered.pk, answer="Liegt bei.")
    # A second approved file: one payout checked (waits for release), its proof due in ten days.
    second = factories.recommended(
        applicant=foreign_applicant, municipality=bindlach, programme_year=programme_year, clerk=clerk, title="Zweites"
    )
    factories.take(approver, second.pk)
    second = services.application_approve(approver=approver, application_id=second.pk)
    payout_check(clerk=clerk, payout_id=payout_request(second, foreign_applicant).pk)
    ProofOfUse.objects.filter(application=second).update(due_date=timezone.localdate() + datetime.timedelta(days=10))
    return {"asked": asked, "answered": answered, "second": second}


def test_each_figure_is_the_number_of_rows_its_link_shows(client_for, clerk, approver, everything_due, files):
    counts = assert_figures_match_their_lists(client_for(clerk))
    assert counts["auszahlung-pruefen"] == 1
    assert counts["auszahlung-freigeben"] == 1
    assert counts["nachweise"] == 1
    assert counts["antworten"] == 1
    assert counts["rueckfragen"] == 0  # asked just now
    assert counts["rueckforderungen"] == 0
    # The clerk's queue: Bindlach's file and the answered one (both in review).
    assert counts["aufgaben"] == 2
    # The approver's queue holds the recommended file.
    assert assert_figures_match_their_lists(client_for(approver))["aufgaben"] == 1


def test_an_old_question_and_the_proofs_become_due(client_for, clerk, everything_due, clock):
    clock.shift(DAY * (QUESTION_UNANSWERED_DAYS + 1))
    counts = assert_figures_match_their_lists(client_for(clerk))
    assert counts["rueckfragen"] == 1
    assert counts["nachweise"] == 1  # overdue by now still counts
    assert set(file_numbers(client_for(clerk).get(reverse("case_list"), {"faellig": "rueckfragen"}))) == {
        everything_due["asked"].file_number
    }


def test_an_answer_no_longer_counts_once_recommended(client_for, clerk, everything_due):
    answered = everything_due["answered"]
    factories.take(clerk, answered.pk)
    services.application_recommend(
        clerk=clerk,
        application_id=answered.pk,
        recommendation=Application.Recommendation.REJECT,
        reason="Kein Bezug zum Programm.",
    )
    assert assert_figures_match_their_lists(client_for(clerk))["antworten"] == 0


def test_a_refund_claim_unpaid_past_its_due_date(client_for, clerk, approver, applicant, approved, sepa_debtor, clock):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00", number="R-9")
    proof = in_review(approved, applicant, clerk, expense("600.00"))
    claim = proof_claim_refund(clerk=clerk, proof_id=proof.pk, amount=Decimal("400.00"), reason="Nicht verwendet.")
    assert assert_figures_match_their_lists(client_for(clerk))["rueckforderungen"] == 0
    clock.shift(DAY * ((claim.due_on - timezone.localdate()).days + 1))
    counts = assert_figures_match_their_lists(client_for(clerk))
    assert counts["rueckforderungen"] == 1


def test_the_year_deadlines_with_the_days_left(client_for, clerk, programme_year):
    content = client_for(clerk).get(URL).content.decode()
    assert f"Fristen des Programmjahres {programme_year.year}" in content
    today = timezone.localdate()
    for day in (programme_year.application_deadline, programme_year.invoice_deadline):
        assert day.strftime("%d.%m.%Y") in content
        left = (day - today).days
        if left > 1:
            assert f"noch {left} Tage" in content
        elif left < -1:
            assert f"seit {-left} Tagen vorbei" in content


def test_without_a_programme_year_it_says_so(client_for, clerk):
    content = client_for(clerk).get(URL).content.decode()
    assert "Für dieses Jahr ist kein Programmjahr angelegt." in content


def test_the_figures_cost_one_query(client_for, clerk, everything_due):
    client = client_for(clerk)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    aggregates = [query for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(aggregates) == 1
    assert len(queries) <= 10


def test_only_clerks_and_approvers_have_it(client_for, controller, applicant):
    assert client_for(controller).get(URL).status_code == 403
    assert client_for(applicant).get(URL).status_code == 403
