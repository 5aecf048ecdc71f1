"""Dates people type are bounded: a German message next to the field, nothing saved, never a 500.

Found by hostile input over HTTP: a refund claim arising on 31.12.9999 overflowed the
date arithmetic, one arising on 01.01.1900 would have borne interest for 126 years, a
SEPA batch could be asked to execute in the year 9999, an invoice of 01.01.1900 was
stored, and the lapse form took "²" and "١٢" for ids.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import Payout, RefundClaim, SepaBatch
from grants.models import Application, ExpenseLine
from tests.builders import in_review, invoice, pay, pdf, released
from tests.clock import berlin
from tests.workflows.payouts.test_budget_views import deadline_passed, lapse_url
from tests.workflows.payouts.test_views import browser, new_url, request_data
from tests.workflows.proofs.test_views import applicant_url as proof_applicant_url
from tests.workflows.proofs.test_views import expense_post, review_url
from workflows.common.errors import WorkflowError
from workflows.payouts import sepa
from workflows.payouts import services as payouts
from workflows.payouts.sepa import SEPA_MAX_EXECUTION_DAYS

S = Application.Status


pytestmark = pytest.mark.usefixtures("media_root", "sepa_debtor")


def day(offset: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=offset):%d.%m.%Y}"


def errors_of(response, field: str) -> list[str]:
    form = next(form for form in (response.context.get(name) for name in ("claim_form", "form", "batch_form")) if form)
    return [str(message) for message in form.errors.get(field, [])]


# --- refund claims -------------------------------------------------------------------------------


def claim_post(**dates) -> dict:
    data = {
        "action": "claim",
        "claim-recognised_amount": "800,00",
        "claim-amount": "200,00",
        "claim-reason": "200,00 € nicht verausgabt.",
        "claim-arises_on": "",
        "claim-due_on": "",
    }
    data.update({f"claim-{name}": value for name, value in dates.items()})
    return data


@pytest.fixture
def proof_in_review(approved, applicant, clerk, approver, clock):
    pay(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    clock.shift(datetime.timedelta(days=40))  # the project is over, the proof arrives
    return in_review(approved, applicant, clerk)


@pytest.mark.parametrize("typed", ["31.12.9999", "01.01.1900", "01.01.0001"])
def test_a_refund_claim_arising_in_an_impossible_year_is_explained_at_the_field(proof_in_review, clerk, typed):
    response = browser(clerk).post(review_url(proof_in_review), claim_post(arises_on=typed))
    assert response.status_code == 200
    [message] = errors_of(response, "arises_on")
    assert "Bitte prüfen Sie das Jahr" in message
    assert typed in response.content.decode()  # what was typed is shown again
    assert "200,00 € nicht verausgabt." in response.content.decode()
    assert not RefundClaim.objects.exists()


def test_a_refund_claim_cannot_arise_before_the_payout_it_claims_back(proof_in_review, clerk):
    paid_on = Payout.objects.get().value_date
    response = browser(clerk).post(
        review_url(proof_in_review), claim_post(arises_on=f"{paid_on - datetime.timedelta(days=1):%d.%m.%Y}")
    )
    assert response.status_code == 200
    [message] = errors_of(response, "arises_on")
    assert f"ersten Auszahlung am {paid_on:%d.%m.%Y}" in message
    assert not RefundClaim.objects.exists()


def test_a_refund_claim_cannot_arise_in_the_future_nor_be_due_in_a_year(proof_in_review, clerk):
    office = browser(clerk)
    response = office.post(review_url(proof_in_review), claim_post(arises_on=day(1)))
    assert "nicht in der Zukunft" in errors_of(response, "arises_on")[0]
    response = office.post(review_url(proof_in_review), claim_post(arises_on=day(0), due_on=day(366)))
    assert "höchstens 365 Tage" in errors_of(response, "due_on")[0]
    assert not RefundClaim.objects.exists()
    # Today, due in 30 days: accepted.
    response = office.post(review_url(proof_in_review), claim_post(arises_on=day(0)))
    assert response.status_code == 302
    assert RefundClaim.objects.get().due_on == timezone.localdate() + datetime.timedelta(days=30)


# --- SEPA batches ----------------------------------------------------------------------------------


@pytest.fixture
def released_payout(approved, applicant, clerk, approver):
    return released(approved, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.12.9999", "Bitte prüfen Sie das Jahr"),
        (None, f"höchstens {SEPA_MAX_EXECUTION_DAYS} Tage in der Zukunft"),
    ],
)
def test_a_sepa_batch_is_not_executed_in_the_year_9999(released_payout, approver, typed, message):
    typed = typed or day(SEPA_MAX_EXECUTION_DAYS + 1)
    response = browser(approver).post(
        reverse("sepa_overview"), {"expected_count": "1", "expected_total": "1000.00", "execution_date": typed}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SepaBatch.objects.exists()


def test_a_sepa_batch_may_be_executed_up_to_the_limit(released_payout, approver):
    latest = timezone.localdate() + datetime.timedelta(days=SEPA_MAX_EXECUTION_DAYS)
    batch = sepa.sepa_batch_create(approver=approver, execution_date=latest)
    assert batch.execution_date == latest


# --- invoices and expenses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01.01.1900", "Bitte prüfen Sie das Jahr"),
        # Within ten years, but two years before a project of three weeks: a typing error.
        (None, "passt nicht zum Durchführungszeitraum"),
    ],
)
def test_an_invoice_far_from_the_project_period_is_refused(approved, applicant, typed, message):
    typed = typed or day(-730)
    response = browser(applicant).post(new_url(approved), request_data(rows=[{"invoice_date": typed}]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert typed in response.content.decode()
    assert not Payout.objects.exists()


def test_an_expense_far_from_the_project_period_is_refused(approved, applicant, clock):
    clock.shift(datetime.timedelta(days=30))
    client = browser(applicant)
    data = expense_post(("Moderation Müller GmbH", "800,00"), save="1")
    data["ausgaben-0-spent_on"] = "01.01.1900"
    response = client.post(proof_applicant_url(approved), data)
    assert response.status_code == 200
    assert "Bitte prüfen Sie das Jahr" in response.content.decode()
    data["ausgaben-0-spent_on"] = day(-800)
    response = client.post(proof_applicant_url(approved), data)
    assert response.status_code == 200
    assert "passt nicht zum Durchführungszeitraum" in response.content.decode()
    assert not ExpenseLine.objects.exists()


def test_the_service_refuses_the_invoice_date_too(approved, applicant):
    with pytest.raises(WorkflowError) as caught:
        payouts.payout_request(
            user=applicant,
            application_id=approved.pk,
            invoices=[invoice(day=approved.period_end + datetime.timedelta(days=366))],
            address=payouts.PayeeAddress(town="Gardelegen"),
            files=[pdf()],
        )
    assert caught.value.code in {"invoice_date"}


# --- lapse ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "١٢", "１２", "1²", "9" * 40])
def test_lapse_ids_are_ascii_digits(approved, clerk, programme_year, typed):
    deadline_passed(programme_year)
    response = browser(clerk).post(lapse_url(programme_year), {"application_ids": typed})
    assert response.status_code == 200
    assert "unvollständig angekommen" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


@pytest.mark.now("2026-12-31T23:30+01:00")
def test_today_is_the_day_in_berlin_also_at_new_year(clerk):
    # 22:30 UTC: the forms' "today" is still 31.12., the range ends ten years later.
    from core.dates import plausible_range

    assert timezone.localdate() == datetime.date(2026, 12, 31)
    assert plausible_range() == (datetime.date(2016, 12, 31), datetime.date(2036, 12, 31))
    assert berlin(2026, 12, 31, 23, 30).utcoffset() == datetime.timedelta(hours=1)
