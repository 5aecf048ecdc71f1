"""The approver decides the amount: less than recommended with a reason, never more;
the cap and the budget are hard limits that no override lets pass."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import LedgerEntry
from grants.models import Application
from reports.models import Notice
from tests import factories
from workflows.applications import services
from workflows.common.errors import WorkflowError

S = Application.Status


@pytest.fixture
def setting(applicant, clerk, approver, gardelegen, programme_year, active_members):
    return {"applicant": applicant, "municipality": gardelegen, "programme_year": programme_year}


def decision_url(application) -> str:
    return reverse("office_decision", kwargs={"pk": application.pk})


def review_url(application) -> str:
    return reverse("office_review", kwargs={"pk": application.pk})


def test_approver_approves_less_with_a_reason(setting, clerk, approver, django_capture_on_commit_callbacks):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(
            approver=approver,
            application_id=application.pk,
            amount=Decimal("1800.00"),
            reason="Reisekosten nur zum Teil förderfähig.",
        )

    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == Decimal("1800.00")
    assert application.recommended_amount == Decimal("2500.00")
    assert application.decision_reason == "Reisekosten nur zum Teil förderfähig."
    entry = LedgerEntry.objects.get(application=application)
    assert (entry.kind, entry.amount) == ("commitment", Decimal("1800.00"))
    record = application.audit_records.get(action="grants.application.approved")
    assert "1.800,00" in record.comment
    assert "2.500,00" in record.comment
    assert "Reisekosten nur zum Teil förderfähig." in record.comment
    notice = Notice.objects.get(application=application, kind=Notice.Kind.APPROVAL)
    assert notice.snapshot["application"]["approved_amount"] == "1800.00"


def test_less_without_a_reason_is_refused_by_the_service(setting, clerk, approver):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, application.pk)
    with pytest.raises(WorkflowError) as caught:
        services.application_approve(
            approver=approver, application_id=application.pk, amount=Decimal("2000.00"), reason="  "
        )
    assert caught.value.code == "note"
    assert "2.500,00" in caught.value.message
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("2500.01"), Decimal("0"), Decimal("-5")])
def test_more_than_recommended_or_nothing_is_refused(setting, clerk, approver, amount):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, application.pk)
    with pytest.raises(WorkflowError) as caught:
        services.application_approve(approver=approver, application_id=application.pk, amount=amount, reason="Mehr.")
    assert caught.value.code == "amount"
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert not LedgerEntry.objects.exists()


def test_page_refuses_less_without_reason_at_the_field_and_keeps_the_input(setting, clerk, approver, client_for):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, application.pk)
    client = client_for(approver)
    response = client.post(
        decision_url(application), {"action": "approve", "approve-amount": "1.200,00", "approve-note": ""}
    )
    assert response.status_code == 200
    form = response.context["approve_form"]
    assert "note" in form.errors
    assert "weniger als den empfohlenen Betrag von 2.500,00" in form.errors["note"][0]
    assert 'value="1.200,00"' in response.content.decode()
    assert not LedgerEntry.objects.exists()

    response = client.post(
        decision_url(application), {"action": "approve", "approve-amount": "2.600,00", "approve-note": "x"}
    )
    assert response.status_code == 200
    assert "Höchstens der empfohlene Betrag von 2.500,00" in response.context["approve_form"].errors["amount"][0]

    response = client.post(
        decision_url(application),
        {"action": "approve", "approve-amount": "1.200,00", "approve-note": "Nur eine Werkstatt."},
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.get(application=application).amount == Decimal("1200.00")


def test_page_offers_the_recommended_amount(setting, clerk, approver, client_for):
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, application.pk)
    content = client_for(approver).get(decision_url(application)).content.decode()
    assert 'name="approve-amount"' in content
    assert 'value="2.500,00"' in content


def _over_the_cap(setting, clerk, approver) -> Application:
    """3,000 EUR approved, then 2,550 EUR requested: 550 EUR beyond the cap of 5,000 EUR."""
    first = factories.recommended(
        **setting, clerk=clerk, requested_amount=Decimal("3000.00"), lines=factories.moderation_lines("4")
    )
    factories.take(approver, first.pk)
    services.application_approve(approver=approver, application_id=first.pk)
    second = factories.in_review(**setting, clerk=clerk)
    return second


def test_cap_rule_cannot_be_overridden(setting, clerk, approver, client_for):
    application = _over_the_cap(setting, clerk, approver)
    cap = application.eligibility_results.get(current=True, rule="within_cap")
    assert cap.outcome == "failed"
    with pytest.raises(WorkflowError) as caught:
        services.eligibility_override(clerk=clerk, application_id=application.pk, result_id=cap.pk, reason="Ausnahme")
    assert caught.value.code == "not_overridable"
    assert "kann nicht übersteuert werden" in caught.value.message
    cap.refresh_from_db()
    assert cap.overridden_by is None
    assert not application.audit_records.filter(action="grants.eligibility.overridden", comment__startswith="within")

    # The review page offers no override for it and says why.
    content = client_for(clerk).get(review_url(application)).content.decode()
    assert f'value="override-{cap.pk}"' not in content
    assert "kann nicht übersteuert werden" in content


def test_over_the_cap_the_clerk_recommends_what_is_free(setting, clerk, approver):
    application = _over_the_cap(setting, clerk, approver)
    recommend = {
        "clerk": clerk,
        "application_id": application.pk,
        "recommendation": Application.Recommendation.APPROVE,
        "reason": "Nur der freie Betrag.",
    }
    with pytest.raises(WorkflowError) as caught:
        services.application_recommend(**recommend, amount=Decimal("2550.00"))
    assert caught.value.code == "cap"
    assert "2.000,00" in caught.value.message

    services.application_recommend(**recommend, amount=Decimal("2000.00"))
    factories.take(approver, application.pk)
    services.application_approve(approver=approver, application_id=application.pk)
    application.refresh_from_db()
    assert application.approved_amount == Decimal("2000.00")


def test_exhausted_budget_is_refused_and_a_smaller_amount_fits(
    setting, clerk, approver, programme_year, bindlach, foreign_applicant
):
    programme_year.budget = Decimal("5000.00")
    programme_year.save()
    other = factories.recommended(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        requested_amount=Decimal("3400.00"),
        lines=factories.moderation_lines("4"),
    )
    application = factories.recommended(**setting, clerk=clerk, amount=Decimal("2500.00"))
    factories.take(approver, other.pk)
    services.application_approve(approver=approver, application_id=other.pk)

    factories.take(approver, application.pk)
    with pytest.raises(WorkflowError) as caught:
        services.application_approve(approver=approver, application_id=application.pk)
    assert caught.value.code == "budget"
    assert "1.600,00" in caught.value.message
    assert LedgerEntry.objects.filter(application=application).count() == 0

    services.application_approve(
        approver=approver, application_id=application.pk, amount=Decimal("1600.00"), reason="Restbudget."
    )
    application.refresh_from_db()
    assert application.approved_amount == Decimal("1600.00")
